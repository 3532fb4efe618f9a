import Foundation
import Testing
import TestSupport
@testable import HTTPServer

/// The seam another protocol (HTTP/2) plugs into: sniffing the first bytes, the
/// `Upgrade: h2c` hand-over, and a transport that carries whatever the handler writes.
@Suite struct ProtocolSeamTests {
    /// Stands in for an HTTP/2 session: sends back every byte it is given. Called only
    /// on its connection's queue (the seam's contract), hence `@unchecked Sendable`.
    private final class EchoProtocol: ConnectionProtocolHandler, @unchecked Sendable {
        let transport: any ConnectionTransport
        init(transport: any ConnectionTransport) { self.transport = transport }
        func receive(_ bytes: UnsafeRawBufferPointer) { transport.send(bytes, UnsafeRawBufferPointer(start: nil, count: 0)) }
        func peerDidClose() { transport.close(reset: false) }
        func outputDidDrain() {}
        func beginGracefulStop() { transport.close(reset: false) }
        var activity: ConnectionActivity { .handling }
        func connectionDidClose() {}
    }

    private static let preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

    private func withSeamServer(_ protocols: ServerProtocols, _ body: (Server) throws -> Void) throws {
        let server = Server(configuration: HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0, headerTimeout: 5, idleTimeout: 10), handler: TestHandler())
        server.protocols = protocols
        try server.start()
        defer { server.stop(gracePeriod: 1) }
        try body(server)
    }

    private func read(_ client: TestClient, count: Int) -> [UInt8] {
        guard case .eof(let bytes) = client.readUntilClosed(timeout: 5) else { return [] }
        return Array(bytes.prefix(count))
    }

    @Test func prefaceSelectsTheOtherProtocolAndHTTP1StaysOnTheSamePort() throws {
        try withSeamServer(ServerProtocols(http2PriorKnowledge: { EchoProtocol(transport: $0) })) { server in
            let h2 = try TestClient(port: server.boundPort)
            // Split inside the preface: the transport waits for enough bytes to decide.
            try h2.send("PRI * HT")
            try h2.send(String(ProtocolSeamTests.preface.dropFirst(8)) + "frames")
            h2.shutdownWrite()
            #expect(String(decoding: read(h2, count: 100), as: UTF8.self) == ProtocolSeamTests.preface + "frames")

            let http1 = try TestClient(port: server.boundPort)
            let response = try http1.request("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nPRI")
            #expect(response.status == 200)
            #expect(response.text == "PRI")
        }
    }

    @Test func withoutHTTP2ThePrefaceIsAnHTTP1VersionError() throws {
        // HTTP/2 is on by default (ServerProtocols.http2): turn it off.
        try withSeamServer(ServerProtocols()) { server in
            let client = try TestClient(port: server.boundPort)
            #expect(try client.request(ProtocolSeamTests.preface).status == 505)
        }
    }

    @Test func upgradeHandsTheConnectionOverAfterA101() throws {
        let protocols = ServerProtocols(http2Upgrade: { transport, request in
            request.target == "/upgrade" ? EchoProtocol(transport: transport) : nil
        })
        try withSeamServer(protocols) { server in
            let upgrade = "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            let client = try TestClient(port: server.boundPort)
            // The preface right behind the request, in the same segment: it must reach the new protocol.
            try client.send("GET /upgrade HTTP/1.1\r\nHost: t\r\n\(upgrade)\r\n" + ProtocolSeamTests.preface)
            let switching = try client.readResponse(expectBody: false)
            #expect(switching.status == 101)
            #expect(switching.header("Upgrade") == "h2c")
            client.shutdownWrite()
            #expect(String(decoding: read(client, count: 100), as: UTF8.self) == ProtocolSeamTests.preface)

            // Declined: answered over HTTP/1.1, then closed (the bytes after it were not parsed).
            let declined = try TestClient(port: server.boundPort)
            let response = try declined.request("GET /echo HTTP/1.1\r\nHost: t\r\n\(upgrade)\r\n")
            #expect(response.status == 200)
            #expect(response.header("Connection") == "close")
            #expect(declined.readUntilClosed(timeout: 5) == .eof(extra: []))
        }
    }
}
