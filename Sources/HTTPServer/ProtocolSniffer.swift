/// Decides from a connection's first bytes which protocol it speaks.
enum ProtocolSniffer {
    enum Verdict: Equatable {
        /// The HTTP/2 connection preface (prior knowledge, RFC 9113 §3.3).
        case http2
        /// A TLS handshake record (content type 22, RFC 8446 §5.1): not served yet.
        case tls
        /// Anything else.
        case http1
        /// A prefix of the preface: wait for more bytes.
        case undecided
    }

    /// RFC 9113 §3.4: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".
    static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    static let tlsHandshakeRecord: UInt8 = 0x16

    /// Classifies `bytes`, the start of the connection. Decides on the first byte for
    /// everything but a request starting with "P", so HTTP/1.1 never waits.
    static func classify(_ bytes: UnsafeRawBufferPointer) -> Verdict {
        guard let first = bytes.first else { return .undecided }
        if first == tlsHandshakeRecord { return .tls }
        guard first == http2Preface[0] else { return .http1 }
        let compared = min(bytes.count, http2Preface.count)
        for index in 0..<compared where bytes[index] != http2Preface[index] {
            return .http1
        }
        return compared == http2Preface.count ? .http2 : .undecided
    }
}
