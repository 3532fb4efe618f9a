import COpenSSL

/// A TLS or certificate failure, with OpenSSL's own reason when it gave one
/// (e.g. "error:0A000102:SSL routines::unsupported protocol").
public struct TLSError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }

    /// `what` followed by the reasons queued on this thread by OpenSSL, which are cleared.
    static func fromQueue(_ what: String) -> TLSError {
        let reasons = OpenSSLErrorQueue.drain()
        return TLSError(reasons.isEmpty ? what : "\(what): \(reasons.joined(separator: "; "))")
    }
}

/// OpenSSL's per-thread error queue. Connections share threads, so the queue is
/// cleared before every call whose outcome `SSL_get_error` reads, and drained after a failure.
enum OpenSSLErrorQueue {
    static func clear() { ERR_clear_error() }

    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if reasons.count == 4 { continue }
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
                ERR_error_string_n(code, buffer.baseAddress, buffer.count)
                reasons.append(String(cString: buffer.baseAddress!))
            }
        }
        return reasons
    }
}
