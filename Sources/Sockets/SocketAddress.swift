import CSystemLinux
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 socket address (a `sockaddr_storage` and its length).
package struct SocketAddress: Sendable {
    package var storage: sockaddr_storage
    package var length: socklen_t

    package init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    package var family: Int32 { Int32(storage.ss_family) }

    package var port: Int {
        get {
            withUnsafeBytes(of: storage) { raw -> Int in
                switch family {
                case AF_INET: return Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
                case AF_INET6: return Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
                default: return 0
                }
            }
        }
        set {
            let bigEndian = UInt16(truncatingIfNeeded: newValue).bigEndian
            let family = self.family
            withUnsafeMutableBytes(of: &storage) { raw in
                switch family {
                case AF_INET: raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).pointee.sin_port = bigEndian
                case AF_INET6: raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self).pointee.sin6_port = bigEndian
                default: break
                }
            }
        }
    }

    /// The address without port: "127.0.0.1", "::1".
    package var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok: Bool = withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET:
                var addr = raw.load(as: sockaddr_in.self).sin_addr
                return inet_ntop(AF_INET, &addr, &text, socklen_t(text.count)) != nil
            case AF_INET6:
                var addr = raw.load(as: sockaddr_in6.self).sin6_addr
                return inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count)) != nil
            default:
                return false
            }
        }
        guard ok else { return "?" }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// "127.0.0.1:8080" or "[::1]:8080".
    package var description: String {
        family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    package func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// A numeric IPv4/IPv6 literal (brackets allowed around IPv6), or nil.
    package static func numeric(host: String, port: Int) -> SocketAddress? {
        var literal = host
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var storage = sockaddr_storage()
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
            sin.sin_addr = v4
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin, as: sockaddr_in.self) }
            return SocketAddress(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
            sin6.sin6_addr = v6
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: sin6, as: sockaddr_in6.self) }
            return SocketAddress(storage: storage, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
        }
        return nil
    }

    /// Numeric literals directly; names ("localhost") through getaddrinfo, every
    /// distinct address it returns.
    package static func resolve(host: String, port: Int) throws -> [SocketAddress] {
        if let address = numeric(host: host, port: port) { return [address] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError(call: "getaddrinfo", errno: EADDRNOTAVAIL, detail: "\(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var result: [SocketAddress] = []
        var seen = Set<String>()
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            guard let addr = info.pointee.ai_addr,
                  info.pointee.ai_family == AF_INET || info.pointee.ai_family == AF_INET6 else { continue }
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { dst in
                dst.copyMemory(from: UnsafeRawBufferPointer(start: addr, count: Int(info.pointee.ai_addrlen)))
            }
            var address = SocketAddress(storage: storage, length: info.pointee.ai_addrlen)
            address.port = port
            if seen.insert(address.description).inserted { result.append(address) }
        }
        return result
    }
}
