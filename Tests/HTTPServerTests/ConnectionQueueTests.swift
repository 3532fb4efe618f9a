import Dispatch
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import HTTPServer
@testable import Sockets

/// Connections spread over one serial queue per usable CPU, handled on their queue.
@Suite struct ConnectionQueueTests {
    /// Records on which connection queue each request was handled.
    private final class QueueRecordingHandler: HTTPHandler {
        let seen = Mutex<[String: Int?]>([:])
        func handle(_ request: HTTPRequest) -> HTTPHandling {
            let queue = ConnectionQueue.currentIdentity
            seen.withLock { $0[request.remoteAddress] = queue }
            return .reply(.response(HTTPResponse(status: 200)))
        }
    }

    @Test func oneQueuePerUsableCPU() throws {
        try withServer { server in
            #expect(server.connectionQueueCount == allowedProcessorCount())
        }
    }

    @Test func connectionsAreSpreadRoundRobinAndHandledOnTheirQueue() throws {
        let handler = QueueRecordingHandler()
        let server = Server(configuration: HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0), handler: handler)
        try server.start()
        defer { server.stop(gracePeriod: 1) }
        let queues = server.connectionQueueCount
        let clients = try (0..<(queues * 3)).map { _ in try TestClient(port: server.boundPort) }
        for client in clients {
            #expect(try client.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").status == 200)
        }
        let seen = handler.seen.withLock { $0 }
        #expect(seen.count == clients.count)
        // Answered inline: every request ran on a connection queue, not a hop elsewhere.
        #expect(seen.values.allSatisfy { $0 != nil })
        var perQueue: [Int: Int] = [:]
        for case let queue? in seen.values { perQueue[queue, default: 0] += 1 }
        #expect(perQueue.count == queues)
        #expect(perQueue.values.allSatisfy { $0 == 3 })
    }
}
