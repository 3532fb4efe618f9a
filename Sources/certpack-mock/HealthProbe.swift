import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// `certpack-mock healthcheck`: one GET of `/__mock/health` over a plain socket,
/// so a container needs no curl. True when the answer is 200.
enum HealthProbe {
    static func check(host: String, port: Int, timeoutSeconds: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let info = node {
            node = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { continue }
            let hostHeader = host.contains(":") ? "[\(host)]" : host
            let request = Array("GET /__mock/health HTTP/1.1\r\nHost: \(hostHeader):\(port)\r\nConnection: close\r\n\r\n".utf8)
            guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { continue }
            var buffer = [UInt8](repeating: 0, count: 64)
            var got = 0
            while got < 12 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, 64 - got, 0) }
                if n <= 0 { break }
                got += n
            }
            if got >= 12, String(decoding: buffer[0..<12], as: UTF8.self).hasPrefix("HTTP/1.1 200") { return true }
        }
        return false
    }
}
