import Foundation
import Testing
import HTTPServer
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Clients that vanish mid-request. Found by Tests/reliability (connection churn):
/// data and a reset arriving together left the descriptor open until the idle timeout,
/// because libdispatch reports them once (edge-triggered). A connection now reads until
/// EAGAIN, and after an EOF asks SO_ERROR (recv keeps returning 0 after a reset): these
/// check that every such reset is noticed at once, not missed or spun on.
@Suite struct HostileConnectionTests {
    private static let scenarios: [(String, String)] = [
        ("half a head", "GET /echo HTTP/1.1\r\nHo"),
        ("half a body", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc"),
        ("half a chunked body", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"),
        ("a whole request", "GET /echo HTTP/1.1\r\nHost: t\r\n\r\n"),
        // Over a MiB of answers queued: the server has paused reading when the reset comes.
        ("unread pipelined answers", String(repeating: "GET /big?bytes=200000 HTTP/1.1\r\nHost: t\r\n\r\n", count: 8)),
        // The handler holds the request far longer than the test waits.
        ("a request being handled", "GET /delay?ms=20000 HTTP/1.1\r\nHost: t\r\n\r\n"),
    ]

    @Test(arguments: scenarios)
    func resetRightAfterDataClosesTheConnectionAtOnce(_ name: String, _ data: String) throws {
        // Timeouts far longer than the test waits: only noticing the reset can close these.
        try withServer({ $0.headerTimeout = 30; $0.idleTimeout = 30 }) { server in
            for _ in 0..<10 {
                let client = try TestClient(port: server.boundPort)
                try client.send(data)
                var reset = linger(l_onoff: 1, l_linger: 0)
                setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
            }  // each client closes (with RST) as it goes out of scope
            // Far below the 30 s timeouts, with room for a sanitizer build's slowness.
            let deadline = Date(timeIntervalSinceNow: 10)
            while server.openConnectionCount > 0, Date() < deadline { usleep(10_000) }
            #expect(server.openConnectionCount == 0, "\(name): \(server.openConnectionCount) connections still open")
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
        }
    }

    @Test func resetAfterHalfCloseWhileHandlingClosesTheConnection() throws {
        // EOF first (the server stops watching for input), then a reset while the
        // handler still holds the request: the hang-up arrives while reading is paused.
        try withServer({ $0.headerTimeout = 30; $0.idleTimeout = 30 }) { server in
            for _ in 0..<5 {
                let client = try TestClient(port: server.boundPort)
                try client.send("GET /delay?ms=20000 HTTP/1.1\r\nHost: t\r\n\r\n")
                client.shutdownWrite()
                usleep(50_000)
                var reset = linger(l_onoff: 1, l_linger: 0)
                setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
            }
            let deadline = Date(timeIntervalSinceNow: 10)
            while server.openConnectionCount > 0, Date() < deadline { usleep(10_000) }
            #expect(server.openConnectionCount == 0)
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
        }
    }
}
