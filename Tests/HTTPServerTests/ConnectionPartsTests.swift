import Testing
@testable import HTTPServer
@testable import Sockets

/// The transport's small parts: sniffing, deadlines, the outbound buffer.
@Suite struct ConnectionPartsTests {
    private func classify(_ text: String) -> ProtocolSniffer.Verdict {
        Array(text.utf8).withUnsafeBytes { ProtocolSniffer.classify($0) }
    }

    @Test func snifferTellsThePrefaceFromHTTP1() {
        #expect(classify("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .http2)
        #expect(classify("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\u{12}\u{4}") == .http2)
        #expect(classify("PRI * HTTP/2") == .undecided)
        #expect(classify("") == .undecided)
        #expect(classify("POST /x HTTP/1.1\r\n") == .http1)
        #expect(classify("PRI * HTTP/1.1\r\n") == .http1)
        #expect(classify("GET / HTTP/1.1\r\n") == .http1)
        #expect([UInt8]([0x16, 0x03, 0x01]).withUnsafeBytes { ProtocolSniffer.classify($0) } == .tls)
    }

    @Test func timeoutsFollowWhatTheConnectionWaitsFor() {
        let timeouts = ConnectionTimeouts(header: 1, idle: 5)
        let second: UInt64 = 1_000_000_000
        let t0: UInt64 = 100 * second
        // A fresh connection gets the header timeout to start a request...
        #expect(timeouts.verdict(.awaitingRequest(since: t0, answeredAny: false), now: t0 + 2 * second, lastRead: t0, lastWrite: t0, outputPending: false) == .close)
        // ...a kept-alive one the idle timeout.
        #expect(timeouts.verdict(.awaitingRequest(since: t0, answeredAny: true), now: t0 + 2 * second, lastRead: t0, lastWrite: t0, outputPending: false) == .keep)
        #expect(timeouts.verdict(.awaitingRequest(since: t0, answeredAny: true), now: t0 + 5 * second, lastRead: t0, lastWrite: t0, outputPending: false) == .close)
        #expect(timeouts.verdict(.readingHead(since: t0), now: t0 + second, lastRead: t0 + second, lastWrite: t0, outputPending: false) == .close)
        #expect(timeouts.verdict(.readingBody, now: t0 + 4 * second, lastRead: t0, lastWrite: t0, outputPending: false) == .keep)
        #expect(timeouts.verdict(.readingBody, now: t0 + 5 * second, lastRead: t0, lastWrite: t0, outputPending: false) == .close)
        // A request being handled is never timed out, however long.
        #expect(timeouts.verdict(.handling, now: t0 + 1000 * second, lastRead: t0, lastWrite: t0, outputPending: true) == .keep)
        // A client that stopped reading its answers gets the idle timeout from the last write.
        #expect(timeouts.verdict(.awaitingRequest(since: t0, answeredAny: true), now: t0 + 6 * second, lastRead: t0, lastWrite: t0 + 2 * second, outputPending: true) == .keep)
        #expect(timeouts.verdict(.awaitingRequest(since: t0, answeredAny: true), now: t0 + 7 * second, lastRead: t0, lastWrite: t0 + 2 * second, outputPending: true) == .close)
        // Zero disables a timeout.
        let none = ConnectionTimeouts(header: 0, idle: 0)
        #expect(none.verdict(.readingHead(since: t0), now: t0 + 100_000 * second, lastRead: t0, lastWrite: t0, outputPending: false) == .keep)
    }

    @Test func outboundBufferDrainsInOrderAcrossPartialSends() {
        var buffer = OutboundBuffer()
        Array("hello ".utf8).withUnsafeBytes { buffer.append($0) }
        Array("world".utf8).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.count == 11)
        // A socket that takes 4 bytes, then is full.
        let socket = ThrottledSocket(budget: 4)
        #expect(buffer.drain(socket.take) == 4)
        #expect(buffer.count == 7)
        socket.budget = 100
        #expect(buffer.drain(socket.take) == 7)
        #expect(buffer.isEmpty)
        #expect(String(decoding: socket.sent, as: UTF8.self) == "hello world")
        // Both appends went out as one piece (one send), and the rest after the partial send likewise.
        #expect(socket.offered == [11, 7])
    }

    @Test func outboundBufferKeepsOrderWhenAddingAfterAPartialSend() {
        var buffer = OutboundBuffer()
        Array("hello world".utf8).withUnsafeBytes { buffer.append($0) }
        let socket = ThrottledSocket(budget: 8)
        #expect(buffer.drain(socket.take) == 8)
        // Most of the buffer was sent: adding more drops the sent bytes from the front first.
        Array("!!".utf8).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.count == 5)
        socket.budget = 100
        #expect(buffer.drain(socket.take) == 5)
        #expect(String(decoding: socket.sent, as: UTF8.self) == "hello world!!")
        #expect(buffer.isEmpty)
    }
}

/// A socket that takes up to `budget` bytes, then reports it would block.
private final class ThrottledSocket {
    var budget: Int
    private(set) var sent: [UInt8] = []
    /// How many bytes each send was offered.
    private(set) var offered: [Int] = []

    init(budget: Int) { self.budget = budget }

    func take(_ bytes: UnsafeRawBufferPointer) -> IOResult<Int> {
        offered.append(bytes.count)
        guard budget > 0 else { return .wouldBlock }
        let count = min(budget, bytes.count)
        budget -= count
        sent += bytes.prefix(count)
        return .processed(count)
    }
}
