import Foundation
import Testing
import HTTPServer
import TestSupport
import Sockets
#if canImport(Glibc)
import Glibc
#endif

private func get(_ target: String, _ extra: String = "") -> String {
    "GET \(target) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n"
}

@Suite struct HTTPServerTests {
    // MARK: Basics

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            for index in 0..<3 {
                let response = try client.request(get("/echo?n=\(index)"))
                #expect(response.status == 200)
                #expect(response.header("X-Target") == "/echo?n=\(index)")
                #expect(response.header("Connection") == nil)
                #expect(response.header("Content-Length") == "0")
            }
            #expect(server.openConnectionCount == 1)
        }
    }

    @Test func responseCarriesDateAndServerOwnedContentLength() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request(get("/length-lie"))
            #expect(response.status == 200)
            #expect(response.text == "four")
            #expect(response.headers.filter { $0.name.lowercased() == "content-length" }.map(\.value) == ["4"])
            #expect(response.header("X-Ok") == "yes")
            let date = try #require(response.header("Date"))
            #expect(date.count == 29)
            #expect(date.hasSuffix(" GMT"))
            let noContent = try client.request(get("/no-content"))
            #expect(noContent.status == 204)
            #expect(noContent.header("Content-Length") == nil)
            #expect(try client.request(get("/echo")).status == 200)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let order = Locked<[String]>([])
        let handler = TestHandler(onRequest: { request in order.withValue { $0.append(request.target) } })
        try withServer(handler: handler) { server in
            let client = try TestClient(port: server.boundPort)
            // The first answer is the slowest: the others must still come after it.
            try client.send(get("/delay?ms=300") + get("/delay?ms=0") + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc" + get("/echo?last"))
            let targets = try (0..<4).map { _ in try client.readResponse().header("X-Target") }
            #expect(targets == ["/delay?ms=300", "/delay?ms=0", "/echo", "/echo?last"])
            // One at a time: the handler saw them in order too.
            #expect(order.withValue { $0 } == ["/delay?ms=300", "/delay?ms=0", "/echo", "/echo?last"])
        }
    }

    @Test func http10ClosesByDefaultAndKeepsAliveWhenAsked() throws {
        try withServer { server in
            let plain = try TestClient(port: server.boundPort)
            let response = try plain.request("GET /echo HTTP/1.0\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.header("X-Version") == "1.0")
            #expect(response.header("Connection") == "close")
            #expect(plain.readUntilClosed(timeout: 2) == .eof(extra: []))

            let keepAlive = try TestClient(port: server.boundPort)
            let first = try keepAlive.request("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(first.header("Connection") == "keep-alive")
            let second = try keepAlive.request("GET /echo?again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(second.header("X-Target") == "/echo?again")
        }
    }

    @Test func connectionCloseFromClientOrHandlerEndsTheConnection() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request(get("/echo", "Connection: close\r\n"))
            #expect(response.header("Connection") == "close")
            #expect(client.readUntilClosed(timeout: 2) == .eof(extra: []))

            let other = try TestClient(port: server.boundPort)
            let bye = try other.request(get("/close"))
            #expect(bye.text == "bye")
            #expect(bye.headers.filter { $0.name == "Connection" }.map(\.value) == ["close"])
            #expect(other.readUntilClosed(timeout: 2) == .eof(extra: []))
        }
    }

    @Test func headAnswersTheLengthWithoutTheBody() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            let head = try client.request("HEAD /big?bytes=1000 HTTP/1.1\r\nHost: t\r\n\r\n", expectBody: false)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "1000")
            // A stray body would show up as garbage in front of this response.
            let next = try client.request(get("/echo?after-head"))
            #expect(next.status == 200)
            #expect(next.header("X-Target") == "/echo?after-head")
        }
    }

    @Test func halfClosedClientStillGetsItsResponse() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            try client.send(get("/delay?ms=100"))
            client.shutdownWrite()
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(client.readUntilClosed(timeout: 2) == .eof(extra: []))
        }
    }

    @Test func onlyTheFirstReplyCounts() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            let first = try client.request(get("/twice"))
            #expect(first.text == "first")
            // Give the stray async reset a chance to arrive; it must not touch the next request.
            let next = try client.request(get("/delay?ms=100"))
            #expect(next.header("X-Target") == "/delay?ms=100")
        }
    }

    // MARK: Bodies and 100-continue

    @Test func continueArrivesBeforeTheBodyIsSent() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            let interim = try client.readResponse(timeout: 2)
            #expect(interim.status == 100)
            try client.send("hello")
            let final = try client.readResponse()
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test func hugeContentLengthGets413WithoutContinue() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            try client.send("PUT /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10000000000\r\n\r\n")
            let response = try client.readResponse(timeout: 2)
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            #expect(client.readUntilClosed(timeout: 2) == .eof(extra: []))
        }
    }

    @Test func largeBodiesInAndOut() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            let upload = TestHandler.pattern(count: 1 << 20)
            try client.send(Array("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: \(upload.count)\r\n\r\n".utf8) + upload)
            let echoed = try client.readResponse()
            #expect(echoed.status == 200)
            #expect(echoed.body == upload)

            var chunked = Array("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for start in stride(from: 0, to: 100_000, by: 7000) {
                let piece = upload[start..<min(start + 7000, 100_000)]
                chunked += Array("\(String(piece.count, radix: 16));i=\(start)\r\n".utf8) + piece + [13, 10]
            }
            chunked += Array("0\r\nX-Trailer: t\r\n\r\n".utf8)
            try client.send(chunked)
            let dechunked = try client.readResponse()
            #expect(dechunked.body == Array(upload[0..<100_000]))
        }
    }

    @Test func slowReaderGetsTheWholeLargeResponse() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            let size = 8 << 20
            try client.send(get("/big?bytes=\(size)") + get("/echo?after-big"))
            // Let the socket buffers fill so the server hits a partial write and has
            // to drain from its write source.
            usleep(200_000)
            let big = try client.readResponse(timeout: 10)
            #expect(big.body.count == size)
            #expect(big.body == TestHandler.pattern(count: size))
            #expect(try client.readResponse().header("X-Target") == "/echo?after-big")
        }
    }

    // MARK: Protocol errors

    @Test func badRequestIsAnsweredThenTheConnectionCloses() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            // The valid request after the bad one must not be served.
            try client.send("GARBAGE\r\n\r\n" + get("/echo"))
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.header("Connection") == "close")
            #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(response.text == "Malformed request line\n")
            #expect(client.readUntilClosed(timeout: 2) == .eof(extra: []))
        }
    }

    @Test func protocolErrorsUseTheConfiguredResponder() throws {
        let responder: @Sendable (HTTPProtocolError) -> HTTPResponse = { error in
            HTTPResponse(status: error.status, headers: [("Content-Type", "application/json")], body: Array("{\"code\":\(error.status)}".utf8))
        }
        try withServer({ $0.maxHeaderBytes = 256 }, protocolErrorResponder: responder) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request(get("/", "X-Big: \(String(repeating: "x", count: 400))\r\n"))
            #expect(response.status == 431)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text == "{\"code\":431}")
            #expect(response.header("Connection") == "close")

            let versions = try TestClient(port: server.boundPort)
            #expect(try versions.request("GET / HTTP/2.0\r\n\r\n").status == 505)
            let missingHost = try TestClient(port: server.boundPort)
            #expect(try missingHost.request("GET / HTTP/1.1\r\n\r\n").status == 400)
            let coding = try TestClient(port: server.boundPort)
            #expect(try coding.request("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n").status == 501)
        }
    }

    @Test func pipelinedErrorComesAfterEarlierResponses() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            try client.send(get("/delay?ms=150") + "GET / HTTP/1.1\r\nHost: t\r\nExpect: nope\r\n\r\n")
            #expect(try client.readResponse().header("X-Target") == "/delay?ms=150")
            #expect(try client.readResponse().status == 417)
            #expect(client.readUntilClosed(timeout: 2) == .eof(extra: []))
        }
    }

    // MARK: Concurrency

    @Test func delayedReplyDoesNotBlockOtherConnections() throws {
        try withServer { server in
            let slow = try TestClient(port: server.boundPort)
            try slow.send(get("/delay?ms=1500"))
            // Several connections, so at least one shares the slow one's queue.
            let started = Date()
            for index in 0..<6 {
                let fast = try TestClient(port: server.boundPort)
                #expect(try fast.request(get("/echo?fast=\(index)"), timeout: 1).status == 200)
            }
            #expect(Date().timeIntervalSince(started) < 1)
            #expect(try slow.readResponse(timeout: 3).status == 200)
        }
    }

    @Test func resetConnectionSendsRST() throws {
        try withServer { server in
            let client = try TestClient(port: server.boundPort)
            try client.send(get("/reset"))
            #expect(client.readUntilClosed(timeout: 2) == .reset)
        }
    }

    @Test func manySlowClientsDoNotDelayOthers() throws {
        try withServer { server in
            let loris = try (0..<300).map { _ in try TestClient(port: server.boundPort) }
            for client in loris { try client.send("GET /slow HTTP/1.1\r\nHo") }
            let started = Date()
            let normal = try TestClient(port: server.boundPort)
            #expect(try normal.request(get("/echo"), timeout: 2).status == 200)
            #expect(Date().timeIntervalSince(started) < 0.5)
        }
    }

    @Test func connectionsOverTheLimitAreClosedAtOnce() throws {
        try withServer({ $0.maxConnections = 2 }) { server in
            let first = try TestClient(port: server.boundPort)
            let second = try TestClient(port: server.boundPort)
            #expect(try first.request(get("/echo")).status == 200)
            #expect(try second.request(get("/echo")).status == 200)
            let third = try TestClient(port: server.boundPort)
            let outcome = third.readUntilClosed(timeout: 2)
            #expect(outcome == .eof(extra: []) || outcome == .reset)
            #expect(try first.request(get("/echo")).status == 200)
        }
    }

    // MARK: Timeouts

    @Test func headerTimeoutClosesSlowLoris() throws {
        try withServer({ $0.headerTimeout = 0.3 }) { server in
            let client = try TestClient(port: server.boundPort)
            let started = Date()
            // One byte every 50 ms: activity does not extend the header deadline.
            var outcome = CloseOutcome.stillOpen
            for byte in Array("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "z"), count: 100) {
                if (try? client.send([byte])) == nil { break }
                outcome = client.readUntilClosed(timeout: 0.05)
                if outcome != .stillOpen { break }
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(outcome == .eof(extra: []) || outcome == .reset)
            #expect(elapsed >= 0.25)
            #expect(elapsed < 2)
        }
    }

    @Test func idleTimeoutClosesAKeepAliveConnection() throws {
        try withServer({ $0.idleTimeout = 0.3 }) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request(get("/echo")).status == 200)
            let started = Date()
            #expect(client.readUntilClosed(timeout: 3) == .eof(extra: []))
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed >= 0.25)
            #expect(elapsed < 2)
        }
    }

    @Test func silentNewConnectionGetsTheHeaderTimeout() throws {
        try withServer({ $0.headerTimeout = 0.3; $0.idleTimeout = 30 }) { server in
            let client = try TestClient(port: server.boundPort)
            let started = Date()
            #expect(client.readUntilClosed(timeout: 3) == .eof(extra: []))
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed >= 0.25)
            #expect(elapsed < 2)
        }
    }

    @Test func requestBeingHandledIsNotTimedOut() throws {
        try withServer({ $0.headerTimeout = 0.2; $0.idleTimeout = 0.2 }) { server in
            let client = try TestClient(port: server.boundPort)
            let response = try client.request(get("/delay?ms=700"), timeout: 3)
            #expect(response.status == 200)
        }
    }

    // MARK: Binding and stopping

    @Test func portZeroBindsEveryHostOnOnePort() throws {
        let configuration = HTTPServerConfiguration(hosts: ["127.0.0.1", "::1"], port: 0)
        let server = Server(configuration: configuration, handler: TestHandler())
        try server.start()
        defer { server.stop() }
        let port = server.boundPort
        #expect(port > 0)
        #expect(server.boundAddresses.first == "127.0.0.1:\(port)")
        #expect(try TestClient(port: port).request(get("/echo")).status == 200)
        if server.boundAddresses.contains("[::1]:\(port)") {
            #expect(try TestClient(port: port, host: "::1").request(get("/echo?v6")).header("X-Target") == "/echo?v6")
        }
    }

    @Test func unavailableHostIsSkippedWhileAnotherBinds() throws {
        // 192.0.2.1 (TEST-NET-1) is not an address of this machine: EADDRNOTAVAIL.
        let server = Server(configuration: HTTPServerConfiguration(hosts: ["192.0.2.1", "127.0.0.1"], port: 0), handler: TestHandler())
        try server.start()
        defer { server.stop() }
        #expect(server.boundAddresses == ["127.0.0.1:\(server.boundPort)"])

        let nowhere = Server(configuration: HTTPServerConfiguration(hosts: ["192.0.2.1"], port: 0), handler: TestHandler())
        #expect(throws: SocketError.self) { try nowhere.start() }
        do {
            try nowhere.start()
        } catch let error as SocketError {
            #expect(error.errno == EADDRNOTAVAIL)
            #expect(error.call == "bind")
        }
    }

    @Test func portInUseThrowsWithErrno() throws {
        try withServer { server in
            let clash = Server(configuration: HTTPServerConfiguration(hosts: ["127.0.0.1"], port: server.boundPort), handler: TestHandler())
            #expect(throws: SocketError(call: "bind", errno: EADDRINUSE, detail: "127.0.0.1:\(server.boundPort)")) { try clash.start() }
        }
    }

    @Test func stopFinishesTheRequestInFlight() throws {
        let received = DispatchSemaphore(value: 0)
        let handler = TestHandler(onRequest: { request in if request.path == "/delay" { received.signal() } })
        let server = Server(configuration: HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0), handler: handler)
        try server.start()
        let port = server.boundPort
        let busy = try TestClient(port: port)
        let idle = try TestClient(port: port)
        #expect(try idle.request(get("/echo")).status == 200)
        try busy.send(get("/delay?ms=400"))
        #expect(received.wait(timeout: .now() + 2) == .success)

        let stopped = DispatchSemaphore(value: 0)
        let started = Date()
        Thread.detachNewThread {
            server.stop(gracePeriod: 5)
            stopped.signal()
        }
        // The idle connection is closed right away, the busy one gets its answer.
        #expect(idle.readUntilClosed(timeout: 2) == .eof(extra: []))
        let response = try busy.readResponse(timeout: 3)
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(busy.readUntilClosed(timeout: 2) == .eof(extra: []))
        #expect(stopped.wait(timeout: .now() + 3) == .success)
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(connectError(port: port) == ECONNREFUSED)
        // Twice is fine, and so is waiting after the fact.
        server.stop()
        server.waitUntilStopped()
        #expect(server.openConnectionCount == 0)
    }

    @Test func startAfterStopThrowsAndStopBeforeStartIsHarmless() throws {
        let server = Server(configuration: HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0), handler: TestHandler())
        server.stop()
        server.waitUntilStopped()
        #expect(throws: SocketError.self) { try server.start() }
    }

    @Test func stopGivesUpOnAHandlerThatNeverReplies() throws {
        let received = DispatchSemaphore(value: 0)
        let handler = TestHandler(onRequest: { _ in received.signal() })
        let server = Server(configuration: HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0), handler: handler)
        try server.start()
        let client = try TestClient(port: server.boundPort)
        try client.send(get("/delay?ms=60000"))
        #expect(received.wait(timeout: .now() + 2) == .success)
        let started = Date()
        server.stop(gracePeriod: 0.3)
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed >= 0.25)
        #expect(elapsed < 2)
        #expect(client.readUntilClosed(timeout: 2) == .eof(extra: []))
        #expect(server.openConnectionCount == 0)
    }
}
