import Dispatch

/// What every connection needs from its server, frozen at `start()` so the hot path
/// reads immutable values without locks.
final class ServerContext: Sendable {
    let handler: any HTTPHandler
    let errorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse
    let limits: HTTPRequestParser.Limits
    let timeouts: ConnectionTimeouts
    let tracker: ConnectionTracker
    let protocols: ServerProtocols
    /// HTTPS on the same port: what a connection opening with 0x16 needs; nil when TLS is off.
    let tls: TLSServerSupport?

    init(
        configuration: HTTPServerConfiguration,
        handler: any HTTPHandler,
        errorResponder: @escaping @Sendable (HTTPProtocolError) -> HTTPResponse,
        tracker: ConnectionTracker,
        protocols: ServerProtocols = ServerProtocols()
    ) {
        self.handler = handler
        self.errorResponder = errorResponder
        self.limits = HTTPRequestParser.Limits(configuration)
        self.timeouts = ConnectionTimeouts(header: configuration.headerTimeout, idle: configuration.idleTimeout)
        self.tracker = tracker
        self.protocols = protocols
        self.tls = configuration.tls.map {
            TLSServerSupport(provider: $0, configuration: configuration, handler: handler, errorResponder: errorResponder, tracker: tracker, protocols: protocols)
        }
    }
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC underneath).
@inline(__always)
func monotonicNow() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
