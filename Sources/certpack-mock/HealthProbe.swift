import Sockets

/// `certpack-mock healthcheck`: one GET of `/__mock/health` over a plain socket,
/// so a container needs no curl. True when the answer is 200.
enum HealthProbe {
    static func check(host: String, port: Int, timeoutSeconds: Int) -> Bool {
        guard let addresses = try? SocketAddress.resolve(host: host, port: port) else { return false }
        for address in addresses {
            guard let socket = try? Socket.connected(to: address, timeout: Double(timeoutSeconds)) else { continue }
            defer { socket.close() }
            let hostHeader = host.contains(":") ? "[\(host)]" : host
            let request = Array("GET /__mock/health HTTP/1.1\r\nHost: \(hostHeader):\(port)\r\nConnection: close\r\n\r\n".utf8)
            guard (try? request.withUnsafeBytes({ try socket.sendAll($0) })) != nil else { continue }
            var buffer = [UInt8](repeating: 0, count: 64)
            var got = 0
            while got < 12 {
                let result = buffer.withUnsafeMutableBytes { try? socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...])) }
                guard case .processed(let count)? = result, count > 0 else { break }
                got += count
            }
            if got >= 12, String(decoding: buffer[0..<12], as: UTF8.self).hasPrefix("HTTP/1.1 200") { return true }
        }
        return false
    }
}
