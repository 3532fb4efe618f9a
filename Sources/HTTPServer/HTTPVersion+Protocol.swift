extension HTTPVersion {
    /// A request that came over HTTP/2 (prior knowledge or `Upgrade: h2c`).
    package static let http2 = HTTPVersion(major: 2, minor: 0)

    /// How journals and logs name the protocol: "HTTP/1.1", "HTTP/1.0" or "HTTP/2".
    /// Literals for the versions served, since every request reads it (journal and log).
    package var protocolName: String {
        switch (major, minor) {
        case (1, 1): return "HTTP/1.1"
        case (1, 0): return "HTTP/1.0"
        case (2, 0): return "HTTP/2"
        default: return major >= 2 ? "HTTP/\(major)" : "HTTP/\(major).\(minor)"
        }
    }
}
