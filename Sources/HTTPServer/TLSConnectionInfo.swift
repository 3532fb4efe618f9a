/// How a request reached the server when it came over TLS, for the journal and logs.
public struct TLSConnectionInfo: Sendable, Equatable {
    /// "TLSv1.3" or "TLSv1.2".
    public var version: String
    /// The ALPN protocol negotiated ("h2", "http/1.1"), nil when the client offered none.
    public var alpn: String?

    public init(version: String, alpn: String?) {
        self.version = version
        self.alpn = alpn
    }
}
