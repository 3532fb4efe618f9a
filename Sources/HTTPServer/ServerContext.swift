import Dispatch

/// What every connection needs from its server, frozen at `start()` so the hot path
/// reads immutable values without locks.
final class ServerContext: Sendable {
    let handler: any HTTPHandler
    let errorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse
    let limits: HTTPRequestParser.Limits
    let headerTimeout: UInt64
    let idleTimeout: UInt64
    /// How long a closing connection keeps draining unread input after its last
    /// response, so the client reads that response instead of a reset.
    let lingerTimeout: UInt64
    let tracker: ConnectionTracker

    init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, errorResponder: @escaping @Sendable (HTTPProtocolError) -> HTTPResponse, tracker: ConnectionTracker) {
        self.handler = handler
        self.errorResponder = errorResponder
        self.limits = HTTPRequestParser.Limits(configuration)
        self.headerTimeout = ServerContext.nanoseconds(configuration.headerTimeout)
        self.idleTimeout = ServerContext.nanoseconds(configuration.idleTimeout)
        self.lingerTimeout = ServerContext.nanoseconds(min(2, max(configuration.idleTimeout, 0.1)))
        self.tracker = tracker
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 {
        // Zero or negative disables the timeout.
        guard seconds > 0 else { return UInt64.max / 2 }
        guard seconds < 1e9 else { return UInt64.max / 2 }
        return UInt64(seconds * 1e9)
    }
}

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC underneath).
@inline(__always)
func monotonicNow() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
