import TLS

/// Everything the server needs to know before it listens.
public struct HTTPServerConfiguration: Sendable {
    /// Addresses to bind, e.g. ["127.0.0.1", "::1"] or ["0.0.0.0"]. Each gets its own listening socket.
    public var hosts: [String]
    /// Port to bind; 0 picks a free one (the same port on every host).
    public var port: Int
    /// Longest request line accepted, in bytes, without its line ending; longer: 414 URI Too Long.
    public var maxRequestLineBytes: Int
    /// Largest header section (all field lines), in bytes; larger: 431.
    public var maxHeaderBytes: Int
    /// Most header fields accepted; more: 431.
    public var maxHeaderCount: Int
    /// Largest request body, in bytes; larger: 413, decided before `100 Continue` is sent.
    public var maxBodyBytes: Int
    /// Seconds a client has to send a complete header section once it started a request
    /// (also the time a new connection gets to send its first byte). Zero disables it.
    public var headerTimeout: Double
    /// Seconds a keep-alive connection may sit idle between requests (also: a body or a
    /// response that makes no progress for this long). Zero disables it. A request
    /// being handled is never timed out.
    public var idleTimeout: Double
    /// Most connections open at once; further ones are accepted and closed at once.
    public var maxConnections: Int
    /// HTTPS on the same port (a first byte of 0x16 is a TLS handshake); nil: cleartext only.
    /// The provider may make its context on the first handshake rather than at start-up.
    public var tls: TLSContextProvider? = nil
    /// The scheduling policy of the process's threads (`batch` and `adaptive` act on the
    /// whole process; the default leaves it alone).
    public var cpuScheduling: CPUScheduling

    public init(
        hosts: [String] = ["127.0.0.1", "::1"],
        port: Int = 8080,
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 65536,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1 << 20,
        headerTimeout: Double = 10,
        idleTimeout: Double = 60,
        maxConnections: Int = 10000,
        cpuScheduling: CPUScheduling = .normal
    ) {
        self.hosts = hosts
        self.port = port
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.cpuScheduling = cpuScheduling
    }
}
