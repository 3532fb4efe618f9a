/// Tells HTTP/2 with prior knowledge from HTTP/1.1 by a connection's first bytes
/// (RFC 9113 §3.4): the client preface starts `PRI * HTTP/2.0`, which no HTTP/1.1
/// request line can. Compared piece by piece, as nghttpx does, so a short first read
/// waits for more instead of guessing.
enum HTTP2Preface {
    static let bytes: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    enum Verdict: Equatable {
        /// The whole preface is there: hand every byte, preface included, to the session.
        case http2
        /// Not the preface: HTTP/1.1 (or garbage the HTTP/1.1 parser rejects).
        case http1
        /// A prefix of the preface so far.
        case undecided
    }

    static func classify(_ first: UnsafeRawBufferPointer) -> Verdict {
        let count = min(first.count, bytes.count)
        for i in 0..<count where first[i] != bytes[i] { return .http1 }
        return count == bytes.count ? .http2 : .undecided
    }
}
