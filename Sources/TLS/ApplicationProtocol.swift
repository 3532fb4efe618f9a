/// What a TLS connection carries once ALPN (RFC 7301) has chosen.
public enum ApplicationProtocol: String, Sendable, CaseIterable {
    case http2 = "h2"
    case http1 = "http/1.1"

    /// The protocol for an ALPN identifier; no ALPN (or HTTP/1.0) is HTTP/1.1.
    public init(alpn: String?) {
        self = alpn == ApplicationProtocol.http2.rawValue ? .http2 : .http1
    }

    /// RFC 7301 §3.1 wire format: each name preceded by its length.
    static func wireFormat(_ names: [String]) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in names {
            let utf8 = Array(name.utf8)
            precondition(!utf8.isEmpty && utf8.count < 256, "ALPN names are 1 to 255 bytes")
            bytes.append(UInt8(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        return bytes
    }
}
