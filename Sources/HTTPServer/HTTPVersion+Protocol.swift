extension HTTPVersion {
    /// A request that came over HTTP/2 (prior knowledge or `Upgrade: h2c`).
    package static let http2 = HTTPVersion(major: 2, minor: 0)

    /// How journals and logs name the protocol: "HTTP/1.1", "HTTP/1.0" or "HTTP/2".
    package var protocolName: String {
        major >= 2 ? "HTTP/\(major)" : "HTTP/\(major).\(minor)"
    }
}
