#if canImport(Glibc)
import Glibc
#endif

/// A thin, copyable handle on a socket descriptor. Owns nothing: a connection closes
/// its descriptor after taking it out of its loop's epoll set, a listener in its
/// DispatchSource's cancel handler.
struct Socket {
    let fd: Int32

    // MARK: Listening

    /// A non-blocking listening socket bound to `address`: SO_REUSEADDR (not
    /// SO_REUSEPORT, so two servers can never silently share a port) and, for IPv6,
    /// IPV6_V6ONLY so `::1` and `127.0.0.1` are separate sockets.
    static func listening(on address: SocketAddress, backlog: Int32 = 1024) throws -> Socket {
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
            Glibc.close(fd)
            throw error
        }
        return socket
    }

    /// The address the kernel actually bound (the real port after binding port 0).
    func localAddress() throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        try withUnsafeMutableBytes(of: &storage) { raw in
            let addr = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
            try syscallChecked("getsockname") { Glibc.getsockname(fd, addr, &length) }
        }
        return SocketAddress(storage: storage, length: length)
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket.
    func accept() throws -> IOResult<(Socket, SocketAddress)> {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try withUnsafeMutableBytes(of: &storage) { raw in
            let addr = raw.baseAddress!.assumingMemoryBound(to: sockaddr.self)
            if let accept4 = Socket.accept4 {
                let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                return try syscall("accept4") { accept4(fd, addr, &length, flags) }
            }
            return try syscall("accept") { Glibc.accept(fd, addr, &length) }
        }
        switch result {
        case .wouldBlock:
            return .wouldBlock
        case .processed(let newFD):
            let socket = Socket(fd: newFD)
            if Socket.accept4 == nil {
                do {
                    try socket.setNonBlocking()
                } catch {
                    Glibc.close(newFD)
                    throw error
                }
            }
            return .processed((socket, SocketAddress(storage: storage, length: length)))
        }
    }

    private typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32

    /// Glibc's `accept4` (one syscall instead of accept + 2x fcntl). The Swift Glibc
    /// module does not export it, so it is looked up once at run time.
    private static let accept4: Accept4? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "accept4") else { return nil }
        return unsafeBitCast(symbol, to: Accept4.self)
    }()

    // MARK: Options

    func setOption(_ level: Int32, _ option: Int32, _ value: Int32, name: StaticString) throws {
        var value = value
        try syscallChecked(name) { Glibc.setsockopt(fd, level, option, &value, socklen_t(MemoryLayout<Int32>.size)) }
    }

    func setNonBlocking() throws {
        let flags = try syscallChecked("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        try syscallChecked("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        try syscallChecked("fcntl(F_SETFD)") { fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    /// Small responses go out at once instead of waiting on Nagle + delayed ACK (~40 ms).
    func setNoDelay() {
        _ = try? setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, name: "setsockopt(TCP_NODELAY)")
    }

    /// SO_LINGER {on, 0}: the following close() sends RST instead of FIN.
    func setResetOnClose() {
        var value = linger(l_onoff: 1, l_linger: 0)
        _ = Glibc.setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, socklen_t(MemoryLayout<linger>.size))
    }

    // MARK: I/O

    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> IOResult<Int> {
        try syscall("recv") { Glibc.recv(fd, buffer.baseAddress, buffer.count, 0) }
    }

    /// Sends up to two buffers in one syscall (head + body), never raising SIGPIPE.
    func send(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws -> IOResult<Int> {
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
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// close(2) is not retried on EINTR: on Linux the descriptor is gone either way.
    func close() {
        _ = Glibc.close(fd)
    }
}
