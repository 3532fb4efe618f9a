import COpenSSL
import Testing
@testable import TLS

@Suite struct TLSEngineTests {
    private func connect(_ options: TestTLSClient.Options, context: TLSServerContext = Fixture.context) throws -> TestTLSClient {
        TestTLSClient(server: try TLSEngine(context: context), options: options)
    }

    private func trusting(alpn: [String] = [], host: String = "localhost") -> TestTLSClient.Options {
        TestTLSClient.Options(trustedCAPEM: Fixture.authority.certificatePEM, hostname: host, alpn: alpn)
    }

    @Test func alpnH2IsChosenWhenOffered() throws {
        let client = try connect(trusting(alpn: ["h2", "http/1.1"]))
        #expect(client.handshake() == 1)
        #expect(client.verifyResult == Int(X509_V_OK))
        #expect(client.server.state == .established)
        #expect(client.server.applicationProtocol == .http2)
        #expect(client.server.negotiatedALPN == "h2")
        #expect(client.selectedALPN == "h2")
        #expect(client.server.protocolVersion == "TLSv1.3")
        #expect(client.serverResults.contains(.handshakeCompleted))
    }

    @Test func noALPNMeansHTTP1() throws {
        let client = try connect(trusting())
        #expect(client.handshake() == 1)
        #expect(client.server.applicationProtocol == .http1)
        #expect(client.server.negotiatedALPN == nil)
        #expect(client.selectedALPN == nil)
    }

    @Test func http11OfferedAloneGetsHTTP1() throws {
        let client = try connect(trusting(alpn: ["http/1.1"]))
        #expect(client.handshake() == 1)
        #expect(client.server.applicationProtocol == .http1)
        #expect(client.selectedALPN == "http/1.1")
    }

    @Test func serverWithoutHTTP2NeverPicksIt() throws {
        let client = try connect(trusting(alpn: ["h2", "http/1.1"]), context: Fixture.http1OnlyContext)
        #expect(client.handshake() == 1)
        #expect(client.selectedALPN == "http/1.1")
        #expect(client.server.applicationProtocol == .http1)
    }

    @Test func alpnWithNoCommonProtocolIsRefusedWithAnAlert() throws {
        let client = try connect(trusting(alpn: ["h3", "spdy/3.1"]))
        #expect(client.handshake() != 1)
        #expect(client.server.state == .failed)
        guard case .failed(let reason)? = client.serverResults.last else {
            Issue.record("expected a failure, got \(client.serverResults)")
            return
        }
        #expect(reason.contains("handshake"))
    }

    @Test func certificateVerifiesForEveryDefaultNameAndTheExtraOne() throws {
        for host in ["localhost", "api.cloudflare.com", "mock.test"] {
            let client = try connect(trusting(host: host))
            #expect(client.handshake() == 1, "host \(host)")
            #expect(client.verifyResult == Int(X509_V_OK), "host \(host)")
        }
        for ip in ["127.0.0.1", "::1"] {
            var options = trusting()
            options.ipAddress = ip
            let client = try connect(options)
            #expect(client.handshake() == 1, "ip \(ip)")
            #expect(client.verifyResult == Int(X509_V_OK), "ip \(ip)")
        }
    }

    @Test func aNameNotOnTheCertificateFailsVerification() throws {
        let client = try connect(trusting(host: "example.com"))
        #expect(client.handshake() != 1)
        #expect(client.verifyResult == Int(X509_V_ERR_HOSTNAME_MISMATCH))
    }

    @Test func aClientWithoutTheCAIsRefusedByItsOwnVerification() throws {
        let other = try CertificateAuthority.generate()
        var options = trusting()
        options.trustedCAPEM = other.certificatePEM
        let client = try connect(options)
        #expect(client.handshake() != 1)
        #expect(client.verifyResult == Int(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY))
        // The client's alert reaches the server, which fails without trapping.
        #expect(client.server.state != .established)
    }

    @Test func applicationDataFlowsBothWaysAcrossManyRecords() throws {
        let client = try connect(trusting(alpn: ["http/1.1"]))
        #expect(client.handshake() == 1)
        client.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(String(decoding: client.server.receivedPlaintext(from: client), as: UTF8.self) == "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        // 100 KB spans seven records of at most 16 KiB.
        let body = [UInt8]((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        #expect(client.server.send(body))
        client.pump()
        let read = client.read()
        #expect(read.bytes == body)
        #expect(!read.closed)
    }

    @Test func requestSentWithTheFinishedMessageIsDelivered() throws {
        let client = try connect(trusting())
        // Client's first flight, server's answer, then the client's Finished and its
        // request in one write, as TLS 1.3 clients send them.
        _ = SSL_do_handshake(client.ssl)
        let hello = client.takeOutbound()
        _ = feed(client.server, hello)
        let flight = client.server.takeCiphertext()
        _ = flight.withUnsafeBytes { BIO_write(client.inbound, $0.baseAddress, Int32($0.count)) }
        #expect(SSL_do_handshake(client.ssl) == 1)
        let request = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        _ = SSL_write(client.ssl, request, Int32(request.count))
        let (result, plaintext) = feed(client.server, client.takeOutbound())
        #expect(result == .handshakeCompleted)
        #expect(plaintext == request)
    }

    @Test func tls12IsAccepted() throws {
        var options = trusting(alpn: ["h2"])
        options.maxVersion = TLS1_2_VERSION
        let client = try connect(options)
        #expect(client.handshake() == 1)
        #expect(client.server.protocolVersion == "TLSv1.2")
        #expect(client.server.applicationProtocol == .http2)
    }

    @Test(arguments: [TLS1_VERSION, TLS1_1_VERSION])
    func tls10And11AreRefusedWithAProtocolVersionAlert(version: Int32) throws {
        var options = trusting()
        options.minVersion = version
        options.maxVersion = version
        options.cipherList = "DEFAULT@SECLEVEL=0"
        let engine = try TLSEngine(context: Fixture.context)
        let client = TestTLSClient(server: engine, options: options)
        _ = SSL_do_handshake(client.ssl)
        let hello = client.takeOutbound()
        #expect(hello.first == 0x16)
        let (result, plaintext) = feed(engine, hello)
        guard case .failed(let reason) = result else {
            Issue.record("expected failure, got \(result)")
            return
        }
        #expect(reason.contains("unsupported protocol"))
        #expect(plaintext.isEmpty)
        let alert = engine.takeCiphertext()
        // Alert record, level fatal (2), protocol_version (70), RFC 8446 §6.
        #expect(isAlertRecord(alert))
        #expect(Array(alert.suffix(2)) == [2, 70])
        // Nothing more comes out of a failed engine, whatever arrives.
        #expect(feed(engine, hello).result != .needMoreInput)
        #expect(engine.takeCiphertext().isEmpty)
        #expect(!engine.send(Array("late".utf8)))
    }

    @Test func garbageAfterTheHandshakeByteFailsWithAnAlert() throws {
        let engine = try TLSEngine(context: Fixture.context)
        let garbage: [UInt8] = [0x16] + Array("this is not a TLS record at all, just text".utf8)
        let (result, plaintext) = feed(engine, garbage)
        guard case .failed = result else { Issue.record("expected failure, got \(result)"); return }
        #expect(plaintext.isEmpty)
        #expect(engine.state == .failed)
    }

    @Test func plainHTTPAfterTheClientHelloFailsWithAnAlert() throws {
        let client = try connect(trusting())
        _ = SSL_do_handshake(client.ssl)
        #expect(feed(client.server, client.takeOutbound()).result == .needMoreInput)
        _ = client.server.takeCiphertext()
        let (result, plaintext) = feed(client.server, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        guard case .failed = result else { Issue.record("expected failure, got \(result)"); return }
        #expect(plaintext.isEmpty)
        // After the server's flight TLS 1.3 encrypts the alert: an application_data record
        // (23) that the client decrypts as unexpected_message.
        let alert = client.server.takeCiphertext()
        #expect(alert.first == 23)
        _ = alert.withUnsafeBytes { BIO_write(client.inbound, $0.baseAddress, Int32($0.count)) }
        #expect(SSL_do_handshake(client.ssl) != 1)
    }

    @Test func plainHTTPInsideAPartialClientHelloIsHeldUntilTheRecordEnds() throws {
        let client = try connect(trusting())
        _ = SSL_do_handshake(client.ssl)
        let hello = client.takeOutbound()
        // The record header promised more bytes: TLS waits for them (the transport's
        // handshake timeout ends the wait), and never hands the text to HTTP.
        #expect(feed(client.server, Array(hello.prefix(20))).result == .needMoreInput)
        let (result, plaintext) = feed(client.server, Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(result == .needMoreInput)
        #expect(plaintext.isEmpty)
        // Filling the record with more text makes it a malformed ClientHello.
        let (filled, _) = feed(client.server, [UInt8](repeating: UInt8(ascii: "A"), count: hello.count))
        guard case .failed = filled else { Issue.record("expected failure, got \(filled)"); return }
    }

    @Test func truncatedClientHelloWaitsForMoreWithoutOutput() throws {
        let client = try connect(trusting())
        _ = SSL_do_handshake(client.ssl)
        let hello = client.takeOutbound()
        let engine = client.server
        for cut in [1, 5, hello.count / 2, hello.count - 1] {
            let fresh = try TLSEngine(context: Fixture.context)
            #expect(feed(fresh, Array(hello.prefix(cut))).result == .needMoreInput, "cut at \(cut)")
            #expect(fresh.state == .handshaking)
            #expect(fresh.takeCiphertext().isEmpty)
        }
        // The whole ClientHello, byte by byte, completes the first flight.
        for byte in hello { _ = feed(engine, [byte]) }
        #expect(engine.pendingCiphertextCount > 0)
    }

    @Test func renegotiationIsRefused() throws {
        var options = trusting()
        options.maxVersion = TLS1_2_VERSION
        let client = try connect(options)
        #expect(client.handshake() == 1)
        #expect(SSL_renegotiate(client.ssl) == 1)
        _ = SSL_do_handshake(client.ssl)
        let renegotiationHello = client.takeOutbound()
        #expect(!renegotiationHello.isEmpty)
        let (_, plaintext) = feed(client.server, renegotiationHello)
        #expect(plaintext.isEmpty)
        // The answer is a no_renegotiation alert (100), never a ServerHello.
        let answer = client.server.takeCiphertext()
        #expect(isAlertRecord(answer))
        #expect(SSL_renegotiate_pending(client.ssl) == 1 || client.server.state == .failed)
    }

    @Test func shutdownSendsCloseNotifyAndPeerCloseIsReported() throws {
        let client = try connect(trusting())
        #expect(client.handshake() == 1)
        client.server.shutdown()
        #expect(client.server.state == .closed)
        client.pump()
        #expect(client.read().closed)
        #expect(!client.server.send(Array("after close".utf8)))

        let second = try connect(trusting())
        #expect(second.handshake() == 1)
        _ = SSL_shutdown(second.ssl)
        second.pump()
        #expect(second.serverResults.last == .closedByPeer)
        #expect(second.server.peerClosed)
        // The answer to what came before the close still goes out.
        #expect(second.server.send(Array("last answer".utf8)))
        second.pump()
        #expect(second.read().bytes == Array("last answer".utf8))
    }
}

extension TLSEngine {
    /// What the test client's last writes delivered to this engine.
    func receivedPlaintext(from client: TestTLSClient) -> [UInt8] { client.serverReceived }
}

@Suite struct TLSEngineOutputTests {
    @Test func drainHandsOverEveryByteInOrder() throws {
        let engine = try TLSEngine(context: Fixture.context)
        let client = TestTLSClient(server: engine, options: TestTLSClient.Options(trustedCAPEM: Fixture.authority.certificatePEM))
        #expect(client.handshake() == 1)
        let body = [UInt8]((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        #expect(engine.send(body))
        var pieces = 0
        var ciphertext: [UInt8] = []
        engine.drainCiphertext { piece in
            pieces += 1
            #expect(piece.count <= 1 << 16)
            ciphertext.append(contentsOf: piece)
        }
        #expect(pieces >= 4)
        #expect(engine.pendingCiphertextCount == 0)
        _ = ciphertext.withUnsafeBytes { BIO_write(client.inbound, $0.baseAddress, Int32($0.count)) }
        #expect(client.read().bytes == body)
    }
}
