import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A parsed response as the test client saw it.
struct TestResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

enum TestClientError: Error {
    case timedOut(received: [UInt8])
    case closed(received: [UInt8])
    case reset
    case system(String, Int32)
}

/// How a connection ended, as seen by `readUntilClosed`.
enum CloseOutcome: Equatable {
    case eof(extra: [UInt8])
    case reset
    case stillOpen
}

/// A small blocking HTTP/1.1 client over a real socket, with deadlines on every
/// read so a broken server fails a test instead of hanging it.
final class TestClient {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1") throws {
        let isV6 = host.contains(":")
        fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestClientError.system("socket", errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if isV6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestClientError.system("connect", code)
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TestClientError.system("send", errno)
            }
            offset += count
        }
    }

    /// Half-closes: the server sees EOF after what was sent.
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Reads one response (a 100 Continue counts as one). `expectBody: false` for HEAD.
    func readResponse(timeout: Double = 5, expectBody: Bool = true) throws -> TestResponse {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = find([13, 10, 13, 10], in: pending)
            if headEnd == nil { try fill(until: deadline) }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusParts = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw TestClientError.system("bad status line: \(head)", 0)
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        var response = TestResponse(status: status, headers: headers, body: [])
        guard expectBody, status >= 200, status != 204, status != 304 else { return response }
        if let lengthText = response.header("Content-Length"), let length = Int(lengthText) {
            while pending.count < length { try fill(until: deadline) }
            response.body = Array(pending[0..<length])
            pending.removeFirst(length)
        } else {
            while true {
                do { try fill(until: deadline) } catch TestClientError.closed { break }
            }
            response.body = pending
            pending = []
        }
        return response
    }

    /// Sends a request and reads its response.
    func request(_ text: String, timeout: Double = 5, expectBody: Bool = true) throws -> TestResponse {
        try send(text)
        return try readResponse(timeout: timeout, expectBody: expectBody)
    }

    /// Waits up to `timeout` for the server to close; any bytes that arrive meanwhile
    /// are returned with the EOF.
    func readUntilClosed(timeout: Double) -> CloseOutcome {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            do {
                try fill(until: deadline)
            } catch TestClientError.closed {
                defer { pending = [] }
                return .eof(extra: pending)
            } catch TestClientError.reset {
                return .reset
            } catch {
                return .stillOpen
            }
        }
    }

    /// Reads whatever arrives next (at least one byte) before `deadline`.
    private func fill(until deadline: Date) throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw TestClientError.timedOut(received: pending) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(1, remaining * 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw TestClientError.system("poll", errno)
            }
            if ready == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                pending.append(contentsOf: chunk[0..<count])
                return
            }
            if count == 0 { throw TestClientError.closed(received: pending) }
            if errno == EINTR || errno == EAGAIN { continue }
            if errno == ECONNRESET { throw TestClientError.reset }
            throw TestClientError.system("recv", errno)
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}

/// Tries to connect; returns the errno on failure, nil when the connection was accepted.
func connectError(port: Int, host: String = "127.0.0.1") -> Int32? {
    do {
        _ = try TestClient(port: port, host: host)
        return nil
    } catch TestClientError.system(_, let code) {
        return code
    } catch {
        return -1
    }
}
