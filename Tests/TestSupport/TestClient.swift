import Foundation
import Sockets
#if canImport(Glibc)
import Glibc
#endif

/// A parsed response as the test client saw it.
package struct TestResponse {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    package var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    package var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

package enum TestClientError: Error {
    case timedOut(received: [UInt8])
    case closed(received: [UInt8])
    case reset
    case system(String, Int32)
}

/// How a connection ended, as seen by `readUntilClosed`.
package enum CloseOutcome: Equatable {
    case eof(extra: [UInt8])
    case reset
    case stillOpen
}

/// The one raw HTTP/1.1 client of the Swift tests: a blocking socket from `Sockets`,
/// IPv4 or IPv6, with a deadline on every read so a broken server fails a test
/// instead of hanging it. Tests see exactly the bytes a real client would (no
/// URLSession retries or header rewriting).
package final class TestClient {
    package let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `host` (a numeric IPv4 or IPv6 literal) on `port`.
    package init(port: Int, host: String = "127.0.0.1") throws {
        guard let address = SocketAddress.numeric(host: host, port: port) else {
            throw TestClientError.system("address \(host)", EINVAL)
        }
        do {
            fd = try Socket.connected(to: address).fd
        } catch let error as SocketError {
            throw TestClientError.system(error.call, error.errno)
        }
    }

    deinit { Glibc.close(fd) }

    package func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    package func send(_ bytes: [UInt8]) throws {
        do {
            try bytes.withUnsafeBytes { try Socket(fd: fd).sendAll($0) }
        } catch let error as SocketError {
            throw TestClientError.system(error.call, error.errno)
        }
    }

    /// Half-closes: the server sees EOF after what was sent.
    package func shutdownWrite() {
        Socket(fd: fd).shutdownWrite()
    }

    /// Reads one response (a 100 Continue counts as one unless `skipContinue`).
    /// `expectBody: false` for HEAD.
    package func readResponse(timeout: Double = 5, expectBody: Bool = true, skipContinue: Bool = false) throws -> TestResponse {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
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
            if status == 100, skipContinue { continue }
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
    }

    /// Sends a request and reads its response.
    package func request(_ text: String, timeout: Double = 5, expectBody: Bool = true) throws -> TestResponse {
        try send(text)
        return try readResponse(timeout: timeout, expectBody: expectBody)
    }

    /// Sends `method path` with Host (and Content-Length for a body) filled in, and
    /// reads the final answer (a 100 Continue is skipped).
    package func request(_ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil, timeout: Double = 10) throws -> TestResponse {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Length: \(body.utf8.count)\r\n" }
        try send(head + "\r\n" + (body ?? ""))
        return try readResponse(timeout: timeout, skipContinue: true)
    }

    /// Waits up to `timeout` for the server to close; any bytes that arrive meanwhile
    /// are returned with the EOF.
    package func readUntilClosed(timeout: Double) -> CloseOutcome {
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
package func connectError(port: Int, host: String = "127.0.0.1") -> Int32? {
    do {
        _ = try TestClient(port: port, host: host)
        return nil
    } catch TestClientError.system(_, let code) {
        return code
    } catch {
        return -1
    }
}
