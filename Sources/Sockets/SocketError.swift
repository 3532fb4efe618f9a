#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, on what, and the `errno` it left.
///
/// Thrown when a server cannot bind any configured host, and by every socket call
/// of this package (see `syscall(_:_:)`).
public struct SocketError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The system call that failed, e.g. `"bind"`.
    public var call: String
    /// The `errno` value it left (`EADDRINUSE`, `EMFILE`, ...).
    public var errno: Int32
    /// What the call was about, e.g. `"127.0.0.1:8080"`; empty when there is nothing useful to say.
    public var detail: String

    public init(call: String, errno: Int32, detail: String = "") {
        self.call = call
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        let reason = String(cString: strerror(errno))
        let subject = detail.isEmpty ? "" : " (\(detail))"
        return "\(call)\(subject) failed: \(reason) [errno \(errno)]"
    }
}
