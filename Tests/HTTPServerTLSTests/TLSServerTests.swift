import Dispatch
import HTTPServer
import TestSupport
import Testing
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// Answers with how the request came: `tls=<version> <alpn>` or `tls=none`; `/slow` after 200 ms
/// from another thread.
private struct TLSEchoHandler: HTTPHandler {
    /// Signalled when a `/slow` request reaches the handler.
    var slowArrived: DispatchSemaphore? = nil

    func handle(_ request: HTTPRequest) -> HTTPHandling {
        let how = request.tls.map { "tls=\($0.version) \($0.alpn ?? "none")" } ?? "tls=none"
        let response = HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(how.utf8))
        guard request.path == "/slow" else { return .reply(.response(response)) }
        slowArrived?.signal()
        return .later { reply in DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { reply(.response(response)) } }
    }
}

private enum Shared {
    static let authority = try! CertificateAuthority.generate()
    static let context = try! TLSServerContext(identity: try! authority.issueServerIdentity(for: SubjectAlternativeName.defaults),
                                               applicationProtocols: [.http1])
}

private func withTLSServer(headerTimeout: Double = 5, _ body: (Server) throws -> Void) throws {
    var configuration = HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0, headerTimeout: headerTimeout, idleTimeout: 10)
    configuration.tls = TLSContextProvider(ready: Shared.context)
    let server = Server(configuration: configuration, handler: TLSEchoHandler())
    try server.start()
    defer {
        server.stop(gracePeriod: 2)
        #expect(eventually(within: 2) { server.liveConnectionObjects == 0 }, "a connection outlived stop()")
    }
    try body(server)
}

private func get(_ path: String, _ extra: String = "") -> String { "GET \(path) HTTP/1.1\r\nHost: localhost\r\n\(extra)\r\n" }

/// Reads until EOF or an error; the bytes received.
private func readUntilClosed(_ fd: Int32) -> [UInt8] {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { return received }
        received.append(contentsOf: buffer[0..<n])
    }
}

/// A cleartext `GET /b` with `Connection: close` on the TLS port: the whole answer as text.
private func cleartextAnswer(port: Int) throws -> String {
    let plain = try BlockingTLSClient.connect(port: port, timeout: 10)
    defer { close(plain) }
    let request = Array(get("/b", "Connection: close\r\n").utf8)
    _ = send(plain, request, request.count, 0)
    return String(decoding: readUntilClosed(plain), as: UTF8.self)
}

@Suite struct TLSServerTests {
    @Test func httpsAndCleartextShareOnePortAndRequestsSayHowTheyCame() throws {
        try withTLSServer { server in
            let client = try BlockingTLSClient(port: server.boundPort, trusting: Shared.authority.certificatePEM)
            #expect(client.alpn == "http/1.1")
            for _ in 0..<3 {
                client.write(get("/a"))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.body == "tls=TLSv1.3 http/1.1")
            }
            let answer = try cleartextAnswer(port: server.boundPort)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            #expect(answer.hasSuffix("tls=none"))
        }
    }

    @Test func manyClientsAtOnceOverTLS() throws {
        try withTLSServer { server in
            let port = server.boundPort
            let failures = Locked(0)
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                do {
                    let client = try BlockingTLSClient(port: port, trusting: Shared.authority.certificatePEM, alpn: index % 2 == 0 ? [] : ["http/1.1"])
                    for _ in 0..<5 {
                        client.write(get(index % 3 == 0 ? "/slow" : "/fast"))
                        let response = try client.readResponse()
                        if response.status != 200 || !response.body.hasPrefix("tls=TLSv1.3") { failures.withValue { $0 += 1 } }
                    }
                } catch {
                    failures.withValue { $0 += 1 }
                }
            }
            #expect(failures.withValue { $0 } == 0)
        }
    }

    @Test func connectionCloseEndsWithCloseNotify() throws {
        try withTLSServer { server in
            let client = try BlockingTLSClient(port: server.boundPort, trusting: Shared.authority.certificatePEM)
            client.write(get("/a", "Connection: close\r\n"))
            #expect(try client.readResponse().status == 200)
            #expect(client.readsCloseNotify())
        }
    }

    @Test func noConnectionOutlivesStopWhenTheRequestCameWithTheClientsFinished() throws {
        // The handshake completes and a `Connection: close` request is answered and closed in
        // the same read: the TLS layer must not start a second session after that close (it
        // once did, and the session and layer kept each other and the connection alive).
        // withTLSServer checks after its stop that no connection is left.
        try withTLSServer { server in
            for _ in 0..<3 {
                let client = try BlockingTLSClient(port: server.boundPort, trusting: Shared.authority.certificatePEM,
                                                   withFinished: get("/a", "Connection: close\r\n"))
                #expect(try client.readResponse().status == 200)
                #expect(client.readsCloseNotify())
            }
        }
    }

    @Test func garbageAfterTheHandshakeByteIsClosedAndOthersAreServed() throws {
        try withTLSServer { server in
            let fd = try BlockingTLSClient.connect(port: server.boundPort, timeout: 10)
            defer { close(fd) }
            let garbage: [UInt8] = [0x16] + Array("not a TLS record, only text".utf8)
            _ = send(fd, garbage, garbage.count, 0)
            let answer = readUntilClosed(fd)
            #expect(answer.isEmpty || answer[0] == 0x15)
            let client = try BlockingTLSClient(port: server.boundPort, trusting: Shared.authority.certificatePEM)
            client.write(get("/a"))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func aHandshakeThatNeverFinishesIsClosedByTheHeaderTimeout() throws {
        try withTLSServer(headerTimeout: 0.3) { server in
            let fd = try BlockingTLSClient.connect(port: server.boundPort, timeout: 10)
            defer { close(fd) }
            // A TLS record header promising more than ever comes.
            let start: [UInt8] = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01]
            _ = send(fd, start, start.count, 0)
            let began = DispatchTime.now().uptimeNanoseconds
            #expect(readUntilClosed(fd).isEmpty)
            let waited = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            #expect(waited < 5)
            #expect(server.openConnectionCount <= 1)
        }
    }

    @Test func gracefulStopFinishesAReplyInFlightOverTLS() throws {
        var configuration = HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0)
        configuration.tls = TLSContextProvider(ready: Shared.context)
        let arrived = DispatchSemaphore(value: 0)
        let server = Server(configuration: configuration, handler: TLSEchoHandler(slowArrived: arrived))
        try server.start()
        let client = try BlockingTLSClient(port: server.boundPort, trusting: Shared.authority.certificatePEM)
        client.write(get("/slow"))
        let stopped = DispatchSemaphore(value: 0)
        // The stop begins once the request is in the handler's hands.
        DispatchQueue.global().async {
            arrived.wait()
            server.stop(gracePeriod: 5)
            stopped.signal()
        }
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.body == "tls=TLSv1.3 http/1.1")
        #expect(response.head.lowercased().contains("connection: close"))
        stopped.wait()
    }

    /// The default: nothing TLS is made when the server starts; the first handshakes make it,
    /// once, however many arrive together, and the CA it reports then verifies a connection.
    @Test func twentySimultaneousFirstHandshakesShareOneLazilyMadeCertificate() throws {
        let provider = TLSContextProvider(issuingFor: SubjectAlternativeName.defaults, applicationProtocols: [.http1])
        var configuration = HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0, idleTimeout: 10)
        configuration.tls = provider
        let server = Server(configuration: configuration, handler: TLSEchoHandler())
        try server.start()
        defer { server.stop(gracePeriod: 2) }
        #expect(!provider.isMade)

        let port = server.boundPort
        let start = DispatchSemaphore(value: 0)
        let seen = Locked<[[UInt8]]>([])
        let failures = Locked(0)
        let group = DispatchGroup()
        for _ in 0..<20 {
            DispatchQueue.global().async(group: group) {
                start.wait()
                do {
                    let client = try BlockingTLSClient(port: port, trusting: nil)
                    client.write(get("/a"))
                    let response = try client.readResponse()
                    if response.status != 200 { failures.withValue { $0 += 1 } }
                    let der = client.peerCertificateDER
                    seen.withValue { $0.append(der) }
                } catch {
                    failures.withValue { $0 += 1 }
                }
            }
        }
        for _ in 0..<20 { start.signal() }
        group.wait()

        #expect(failures.withValue { $0 } == 0)
        let certificates = seen.withValue { $0 }
        #expect(certificates.count == 20)
        #expect(Set(certificates).count == 1)
        #expect(certificates.first?.isEmpty == false)
        #expect(provider.madeCount == 1)
        let ca = try #require(try provider.context().identity.certificateAuthorityPEM)
        let verified = try BlockingTLSClient(port: port, trusting: ca)
        #expect(verified.peerCertificateDER == certificates.first)
    }

    /// A context that cannot be made closes TLS connections (reported once); cleartext goes on.
    @Test func aContextThatCannotBeMadeClosesTLSConnectionsAndIsReportedOnce() throws {
        let reports = Locked<[String]>([])
        let attempts = Locked(0)
        let provider = TLSContextProvider(deferred: { () throws(TLSError) -> TLSServerContext in
            attempts.withValue { $0 += 1 }
            throw TLSError("no entropy today")
        }, applicationProtocols: [.http1], reportFailure: { error in reports.withValue { $0.append(error.description) } })
        var configuration = HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0, idleTimeout: 10)
        configuration.tls = provider
        let server = Server(configuration: configuration, handler: TLSEchoHandler())
        try server.start()
        defer { server.stop(gracePeriod: 2) }

        for _ in 0..<2 {
            #expect(throws: (any Error).self) { _ = try BlockingTLSClient(port: server.boundPort, trusting: nil) }
        }
        #expect(reports.withValue { $0 } == ["no entropy today"])
        #expect(attempts.withValue { $0 } == 1)

        let answer = try cleartextAnswer(port: server.boundPort)
        #expect(answer.hasPrefix("HTTP/1.1 200"))
    }
}
