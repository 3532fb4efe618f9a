import Dispatch
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Sockets
#if canImport(Glibc)
import Glibc
#endif

/// The DispatchSource listener on its own: accepting, the EMFILE back-off, closing.
@Suite struct ListenerTests {
    /// Counts and remembers what the listener reports, from its queue.
    private final class Events: Sendable {
        let accepted = Mutex<[Socket]>([])
        let backoffs = Mutex<[(errno: Int32, at: UInt64)]>([])
        let acceptedOne = DispatchSemaphore(value: 0)
        let closed = DispatchSemaphore(value: 0)
    }

    private func listen(_ events: Events, backoff: Double = 0.1, accept: @escaping Listener.Accept = { try $0.accept() }) throws -> Listener {
        let (socket, address) = try #require(try ListeningSockets.bind(hosts: ["127.0.0.1"], port: 0).first)
        let listener = Listener(
            socket: socket, address: address, queue: DispatchQueue(label: "ListenerTests"), backoff: backoff, accept: accept,
            onAccept: { connection, _ in
                events.accepted.withLock { $0.append(connection) }
                events.acceptedOne.signal()
            },
            onBackoff: { error in events.backoffs.withLock { $0.append((error.errno, DispatchTime.now().uptimeNanoseconds)) } },
            onClosed: { events.closed.signal() }
        )
        listener.start()
        return listener
    }

    @Test func acceptsAndClosesOnCancel() throws {
        let events = Events()
        let listener = try listen(events)
        let client = try TestClient(port: listener.address.port)
        #expect(events.acceptedOne.wait(timeout: .now() + 5) == .success)
        let accepted = events.accepted.withLock { $0 }
        #expect(accepted.count == 1)
        for socket in accepted { socket.close() }
        _ = client
        listener.cancel()
        #expect(events.closed.wait(timeout: .now() + 5) == .success)
        #expect(connectError(port: listener.address.port) == ECONNREFUSED)
    }

    @Test func emfileBacksOffOnATimerThenAcceptsTheWaitingClient() throws {
        let events = Events()
        let failures = Atomic<Int>(3)
        // The first three accepts fail as they would with no descriptor left; the
        // pending connection stays in the backlog meanwhile.
        let listener = try listen(events, backoff: 0.05) { socket in
            if failures.subtract(1, ordering: .relaxed).oldValue > 0 { throw SocketError(call: "accept4", errno: EMFILE) }
            return try socket.accept()
        }
        defer { listener.cancel() }
        let client = try TestClient(port: listener.address.port)
        #expect(events.acceptedOne.wait(timeout: .now() + 5) == .success)
        let backoffs = events.backoffs.withLock { $0 }
        #expect(backoffs.map(\.errno) == [EMFILE, EMFILE, EMFILE])
        // Each retry waited for the timer instead of spinning on the readable backlog.
        for (earlier, later) in zip(backoffs, backoffs.dropFirst()) {
            #expect(later.at - earlier.at >= 45_000_000)
        }
        for socket in events.accepted.withLock({ $0 }) { socket.close() }
        _ = client
    }

    @Test func abortedConnectionsAreSkippedWithoutBackingOff() throws {
        let events = Events()
        let failures = Atomic<Int>(2)
        let listener = try listen(events) { socket in
            if failures.subtract(1, ordering: .relaxed).oldValue > 0 { throw SocketError(call: "accept4", errno: ECONNABORTED) }
            return try socket.accept()
        }
        defer { listener.cancel() }
        let client = try TestClient(port: listener.address.port)
        #expect(events.acceptedOne.wait(timeout: .now() + 5) == .success)
        #expect(events.backoffs.withLock { $0.isEmpty })
        for socket in events.accepted.withLock({ $0 }) { socket.close() }
        _ = client
    }

    @Test func cancelWhileBackingOffStillCloses() throws {
        let events = Events()
        let listener = try listen(events, backoff: 30) { _ in throw SocketError(call: "accept4", errno: EMFILE) }
        let client = try TestClient(port: listener.address.port)
        let deadline = Date(timeIntervalSinceNow: 5)
        while events.backoffs.withLock({ $0.isEmpty }), Date() < deadline { usleep(1000) }
        #expect(events.backoffs.withLock { $0.count } == 1)
        listener.cancel()
        // The source is suspended for the back-off; cancelling must resume it, or its
        // cancel handler (which closes the socket) would never run.
        #expect(events.closed.wait(timeout: .now() + 5) == .success)
        _ = client
    }
}
