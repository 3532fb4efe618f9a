#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// A blocking client socket connected to `address`, with `timeout` seconds for the
    /// connect itself and as SO_RCVTIMEO/SO_SNDTIMEO for every later call (zero: none).
    /// TCP_NODELAY is on: clients here send small requests and wait for the answer.
    /// Used by `certpack-mock healthcheck` and by the tests' raw clients.
    package static func connected(to address: SocketAddress, timeout: Double = 0) throws -> Socket {
        let fd = try syscallChecked("socket", detail: address.description) {
            Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let socket = Socket(fd: fd)
        do {
            if timeout > 0 {
                var value = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
                try syscallChecked("setsockopt(SO_RCVTIMEO)") {
                    Glibc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
                }
                try syscallChecked("setsockopt(SO_SNDTIMEO)") {
                    Glibc.setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
                }
            }
            socket.setNoDelay()
            // Linux bounds a blocking connect by SO_SNDTIMEO (EINPROGRESS when it runs out).
            _ = try address.withSockAddr { addr, length in
                try syscallChecked("connect", detail: address.description) { Glibc.connect(fd, addr, length) }
            }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Connects to the first address of `host` that accepts (names through getaddrinfo,
    /// so "localhost" tries ::1 and 127.0.0.1); throws the last failure.
    package static func connected(toHost host: String, port: Int, timeout: Double = 0) throws -> Socket {
        var lastError = SocketError(call: "connect", errno: EADDRNOTAVAIL, detail: host)
        for address in try SocketAddress.resolve(host: host, port: port) {
            do {
                return try connected(to: address, timeout: timeout)
            } catch let error as SocketError {
                lastError = error
            }
        }
        throw lastError
    }

    /// Sends all of `bytes` on a blocking socket (loops on partial writes).
    package func sendAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            switch try send(rest) {
            case .processed(let count): offset += count
            case .wouldBlock: throw SocketError(call: "send", errno: EAGAIN, detail: "timed out")
            }
        }
    }
}
