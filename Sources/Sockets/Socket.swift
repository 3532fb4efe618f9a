import CSystemLinux
#if canImport(Glibc)
import Glibc
#endif

/// A thin, copyable handle on a socket descriptor. Owns nothing: whoever holds the
/// DispatchSource watching it closes it in that source's cancel handler (a number
/// closed earlier could be reused while the source still watches it).
package struct Socket: Sendable, Equatable {
    package let fd: Int32

    package init(fd: Int32) {
        self.fd = fd
    }

    // MARK: Listening

    /// A non-blocking listening socket bound to `address`: SO_REUSEADDR (not
    /// SO_REUSEPORT, so two servers can never silently share a port) and, for IPv6,
    /// IPV6_V6ONLY so `::1` and `127.0.0.1` are separate sockets.
    package static func listening(on address: SocketAddress, backlog: Int32 = 1024) throws -> Socket {
        let flags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = try syscallChecked("socket", detail: address.description) { Glibc.socket(address.family, flags, 0) }
        let socket = Socket(fd: fd)
        do {
            try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1, name: "setsockopt(SO_REUSEADDR)")
            if address.family == AF_INET6 {
                try socket.setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, name: "setsockopt(IPV6_V6ONLY)")
            }
            _ = try address.withSockAddr { addr, length in
                try syscallChecked("bind", detail: address.description) { Glibc.bind(fd, addr, length) }
            }
            try syscallChecked("listen", detail: address.description) { Glibc.listen(fd, backlog) }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// The address the kernel actually bound (the real port after binding port 0).
    package func localAddress() throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        try withUnsafeMutableBytes(of: &storage) { raw in
            let addr = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
            try syscallChecked("getsockname") { Glibc.getsockname(fd, addr, &length) }
        }
        return SocketAddress(storage: storage, length: length)
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket.
    package func accept() throws -> IOResult<(Socket, SocketAddress)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutableBytes(of: &storage) { raw in
            let addr = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
            let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            return try syscall("accept4") { csystem_accept4(fd, addr, &length, flags) }
        }
        switch result {
        case .wouldBlock:
            return .wouldBlock
        case .processed(let newFD):
            return .processed((Socket(fd: newFD), SocketAddress(storage: storage, length: length)))
        }
    }

    // MARK: Options

    package func setOption(_ level: Int32, _ option: Int32, _ value: Int32, name: StaticString) throws {
        var value = value
        try syscallChecked(name) { Glibc.setsockopt(fd, level, option, &value, socklen_t(MemoryLayout<Int32>.size)) }
    }

    /// Small responses go out at once instead of waiting on Nagle + delayed ACK (~40 ms).
    package func setNoDelay() {
        _ = try? setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, name: "setsockopt(TCP_NODELAY)")
    }

    /// SO_LINGER {on, 0}: the following close() sends RST instead of FIN.
    package func setResetOnClose() {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = Glibc.setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
    }

    /// SO_ERROR: the error the socket holds (0 for none), cleared by reading it. After
    /// an EOF, recv keeps returning 0 even once a reset arrived; this still tells.
    package func pendingError() -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard Glibc.getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return errno }
        return value
    }

    // MARK: I/O

    package func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> IOResult<Int> {
        try syscall("recv") { Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// Sends up to two buffers in one syscall (head + body), never raising SIGPIPE.
    package func send(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws -> IOResult<Int> {
        if second.isEmpty {
            return try syscall("send") { Glibc.send(fd, first.baseAddress, first.count, Int32(MSG_NOSIGNAL)) }
        }
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
        )
        return try withUnsafeMutableBytes(of: &vectors) { raw in
            var message = msghdr()
            message.msg_iov = raw.baseAddress!.assumingMemoryBound(to: iovec.self)
            message.msg_iovlen = 2
            return try syscall("sendmsg") { Glibc.sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
        }
    }

    /// Half-close: the peer sees EOF once everything written so far is read.
    package func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
    package func close() {
        _ = Glibc.close(fd)
    }
}
