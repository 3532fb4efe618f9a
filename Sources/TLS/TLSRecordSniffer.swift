/// Tells a TLS connection from cleartext by its first byte, before anything is parsed.
public enum TLSRecordSniffer {
    /// RFC 8446 §5.1: every TLS (and SSL 3) connection opens with a handshake record,
    /// content type 22. No HTTP/1.x method and not the HTTP/2 preface start with it.
    public static let handshakeContentType: UInt8 = 0x16

    /// Whether a connection that sent `firstByte` first speaks TLS.
    public static func isTLS(firstByte: UInt8) -> Bool { firstByte == handshakeContentType }
}
