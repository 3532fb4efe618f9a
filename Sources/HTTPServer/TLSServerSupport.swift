import TLS

/// What TLS connections share: the provider of the OpenSSL context (made on the first
/// handshake unless it was made at start-up), and the server context their sessions get,
/// one per (TLS version, ALPN) pair, made at start-up. Those contexts' handler stamps
/// every request with how it came (`HTTPRequest.tls`) so the journal and logs can say, and
/// their protocols leave out the h2c Upgrade, which is for cleartext only (RFC 9113 §3.1).
final class TLSServerSupport: Sendable {
    let provider: TLSContextProvider
    private let variants: [Variant]
    private let make: @Sendable (TLSConnectionInfo) -> ServerContext

    private struct Variant: Sendable {
        let info: TLSConnectionInfo
        let context: ServerContext
    }

    init(provider: TLSContextProvider, configuration: HTTPServerConfiguration, handler: any HTTPHandler,
         errorResponder: @escaping @Sendable (HTTPProtocolError) -> HTTPResponse, tracker: ConnectionTracker, protocols: ServerProtocols) {
        self.provider = provider
        var cleartext = configuration
        cleartext.tls = nil
        var insideTLS = protocols
        insideTLS.http2Upgrade = nil
        let make: @Sendable (TLSConnectionInfo) -> ServerContext = { [cleartext, insideTLS] info in
            ServerContext(configuration: cleartext, handler: TLSStampingHandler(inner: handler, info: info),
                          errorResponder: errorResponder, tracker: tracker, protocols: insideTLS)
        }
        var variants: [Variant] = []
        for version in ["TLSv1.3", "TLSv1.2"] {
            for alpn in [nil, "h2", "http/1.1", "http/1.0"] as [String?] {
                let info = TLSConnectionInfo(version: version, alpn: alpn)
                variants.append(Variant(info: info, context: make(info)))
            }
        }
        self.variants = variants
        self.make = make
    }

    /// The context for a session whose handshake ended with `info`.
    func context(for info: TLSConnectionInfo) -> ServerContext {
        for variant in variants where variant.info == info { return variant.context }
        return make(info)
    }
}

/// Marks a request as having come over TLS before the application sees it.
struct TLSStampingHandler: HTTPHandler {
    let inner: any HTTPHandler
    let info: TLSConnectionInfo

    func handle(_ request: HTTPRequest) -> HTTPHandling {
        var stamped = request
        stamped.tls = info
        return inner.handle(stamped)
    }
}
