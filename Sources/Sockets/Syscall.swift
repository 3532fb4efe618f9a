#if canImport(Glibc)
import Glibc
#endif

/// The outcome of a syscall on a non-blocking descriptor.
package enum IOResult<Value> {
    /// The call did its work and returned this value.
    case processed(Value)
    /// EAGAIN / EWOULDBLOCK: wait for readiness and try again.
    case wouldBlock
}

extension IOResult: Sendable where Value: Sendable {}

/// The one way this package calls into the kernel on a non-blocking descriptor:
/// retries `EINTR`, reports `EAGAIN`/`EWOULDBLOCK` as `.wouldBlock`, and throws
/// `SocketError` (errno plus the call's name) for anything else. Same contract as
/// swift-nio's `syscall(blocking:)`.
@inline(__always)
package func syscall<T: FixedWidthInteger>(_ call: StaticString, _ body: () -> T) throws -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .processed(result) }
        let code = errno
        switch code {
        case EINTR:
            continue
        case EAGAIN, EWOULDBLOCK:
            return .wouldBlock
        default:
            throw SocketError(call: "\(call)", errno: code)
        }
    }
}

/// Writes all of `bytes` to a blocking descriptor (standard error), retrying EINTR and
/// short writes; gives up silently on any other failure (a closed or full log has nowhere
/// to report to).
package func writeAll(_ descriptor: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
    guard var next = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
        let n = Glibc.write(descriptor, next, left)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        next += n
        left -= n
    }
}

/// For calls that cannot block (socket options, bind, listen, a blocking connect):
/// EINTR is retried, every other failure throws.
@inline(__always)
@discardableResult
package func syscallChecked<T: FixedWidthInteger>(_ call: StaticString, detail: String = "", _ body: () -> T) throws -> T {
    while true {
        let result = body()
        if result >= 0 { return result }
        let code = errno
        if code == EINTR { continue }
        throw SocketError(call: "\(call)", errno: code, detail: detail)
    }
}
