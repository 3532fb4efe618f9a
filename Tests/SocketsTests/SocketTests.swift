import Foundation
import Testing
@testable import Sockets
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketTests {
    @Test func portZeroBindsOneFreePortOnEveryHost() throws {
        let bound = try ListeningSockets.bind(hosts: ["127.0.0.1", "::1"], port: 0)
        defer { for (socket, _) in bound { socket.close() } }
        let ports = Set(bound.map { $0.1.port })
        #expect(ports.count == 1)
        #expect(ports.first.map { $0 > 0 } == true)
        // ::1 is skipped (not an error) on a machine without IPv6.
        #expect(bound.map { $0.1.host }.first == "127.0.0.1")
    }

    @Test func aPortInUseIsReportedWithTheCall() throws {
        let bound = try ListeningSockets.bind(hosts: ["127.0.0.1"], port: 0)
        defer { for (socket, _) in bound { socket.close() } }
        #expect(throws: SocketError(call: "bind", errno: EADDRINUSE, detail: "127.0.0.1:\(bound[0].1.port)")) {
            _ = try ListeningSockets.bind(hosts: ["127.0.0.1"], port: bound[0].1.port)
        }
    }

    @Test func clientAndAcceptedSocketTalk() throws {
        let (listener, address) = try #require(try ListeningSockets.bind(hosts: ["127.0.0.1"], port: 0).first)
        defer { listener.close() }
        let client = try Socket.connected(toHost: "127.0.0.1", port: address.port, timeout: 5)
        defer { client.close() }
        guard case .processed(let (server, peer)) = try listener.accept() else {
            Issue.record("no pending connection after connect")
            return
        }
        defer { server.close() }
        #expect(peer.host == "127.0.0.1")
        // accept4 made it non-blocking: nothing to read yet is "not yet", not a wait.
        var buffer = [UInt8](repeating: 0, count: 16)
        let early = try buffer.withUnsafeMutableBytes { try server.receive(into: $0) }
        guard case .wouldBlock = early else {
            Issue.record("an empty non-blocking socket should say wouldBlock")
            return
        }
        try Array("ping".utf8).withUnsafeBytes { try client.sendAll($0) }
        var reply: [UInt8] = []
        let deadline = Date(timeIntervalSinceNow: 5)
        while reply.count < 4, Date() < deadline {
            if case .processed(let count) = try buffer.withUnsafeMutableBytes({ try server.receive(into: $0) }) {
                reply += buffer[0..<count]
            }
        }
        #expect(reply == Array("ping".utf8))
    }

    @Test func resetAfterEOFShowsOnlyInPendingError() throws {
        let (listener, address) = try #require(try ListeningSockets.bind(hosts: ["127.0.0.1"], port: 0).first)
        defer { listener.close() }
        let client = try Socket.connected(to: address, timeout: 5)
        guard case .processed(let (server, _)) = try listener.accept() else {
            Issue.record("no pending connection after connect")
            return
        }
        defer { server.close() }
        client.shutdownWrite()
        var buffer = [UInt8](repeating: 0, count: 16)
        let deadline = Date(timeIntervalSinceNow: 5)
        var sawEOF = false
        while !sawEOF, Date() < deadline {
            if case .processed(0) = try buffer.withUnsafeMutableBytes({ try server.receive(into: $0) }) { sawEOF = true }
        }
        #expect(sawEOF)
        #expect(server.pendingError() == 0)
        client.setResetOnClose()
        client.close()
        var error: Int32 = 0
        while error == 0, Date() < deadline { error = server.pendingError() }
        #expect(error != 0)
        // recv after the EOF still says 0: why connections ask SO_ERROR.
        let after = try buffer.withUnsafeMutableBytes { try server.receive(into: $0) }
        guard case .processed(0) = after else {
            Issue.record("recv after EOF and reset should return 0")
            return
        }
    }

    @Test func processorCountFollowsTheAffinityMask() {
        let count = allowedProcessorCount()
        #expect(count != nil)
        #expect((count ?? 0) >= 1)
        #expect((count ?? 0) <= ProcessInfo.processInfo.processorCount)
    }
}
