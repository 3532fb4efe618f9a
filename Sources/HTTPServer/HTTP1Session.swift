/// HTTP/1.1 on one connection: bytes into the parser, one request at a time to the
/// handler, responses written strictly in request order (pipelining), keep-alive,
/// `100 Continue`, and the close after a protocol error or `Connection: close`.
///
/// Thread safety: every method runs on the connection's queue (the transport calls
/// it there); the handler's `reply` may come from any thread and is brought back
/// with `transport.execute` before it touches anything. That confinement is what
/// makes the `@unchecked Sendable` sound.
final class HTTP1Session: ConnectionProtocolHandler, @unchecked Sendable {
    /// Reading pauses while this many parsed requests wait for their turn (and while
    /// the transport holds `OutboundBuffer.highWater` bytes).
    static let maxQueuedEvents = 16
    private static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    private static let switchingToH2C: [UInt8] = Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".utf8)

    /// How the request being handled is answered.
    private struct Exchange {
        var token: UInt64 = 0
        var isHead = false
        var keepAlive = false
        var announcesKeepAlive = false
    }

    let transport: any ConnectionTransport
    private var parser: HTTPRequestParser

    /// Parsed but not yet handled, in arrival order (`events[nextEvent...]`).
    private var events: [HTTPRequestParser.Event] = []
    private var nextEvent = 0

    /// The handler has a request and has not replied yet.
    private var inFlight = false
    private var exchange = Exchange()
    private var insideHandler = false
    private var synchronousReply: HTTPReply?

    /// `transport.finish` was called: nothing more is read or answered.
    private var finishing = false
    /// The client may still be sending a rejected body: linger on close.
    private var closingForProtocolError = false
    private var peerClosed = false
    private var stopping = false
    private var answeredAny = false
    /// Another protocol took the connection over (`Upgrade: h2c`): this one is done.
    private var handedOver = false

    // Monotonic nanoseconds, for `activity`.
    private var idleSince: UInt64
    private var headStartedAt: UInt64 = 0

    init(transport: any ConnectionTransport, openedAt: UInt64) {
        self.transport = transport
        self.parser = HTTPRequestParser(limits: transport.context.limits, remoteAddress: transport.remoteAddress)
        parser.stopsAtH2CUpgrade = transport.context.protocols.http2Upgrade != nil
        idleSince = openedAt
    }

    // MARK: - ConnectionProtocolHandler

    func receive(_ bytes: UnsafeRawBufferPointer) {
        let eventsBefore = events.count
        parser.feed(bytes, into: &events)
        // RFC 9112 gives no number; the header timeout runs from the first byte of a
        // request to the end of its header section.
        if parser.phase == .head {
            if headStartedAt == 0 || events.count > eventsBefore { headStartedAt = monotonicNow() }
        } else {
            headStartedAt = 0
        }
        processEvents()
    }

    func peerDidClose() {
        peerClosed = true
        if inFlight || nextEvent < events.count || transport.outboundBytes > 0 {
            // Answer what was fully received, then close (processEvents / outputDidDrain).
            return
        }
        transport.close(reset: false)
    }

    func outputDidDrain() {
        processEvents()
    }

    func beginGracefulStop() {
        stopping = true
        // Requests not handed to the handler yet are dropped; the one in flight
        // finishes and is answered with `Connection: close`.
        dropQueuedEvents()
        transport.setReading(false)
        if inFlight { return }
        if transport.outboundBytes > 0 {
            finishing = true
            transport.finish(linger: false)
            return
        }
        transport.close(reset: false)
    }

    var activity: ConnectionActivity {
        if inFlight { return .handling }
        switch parser.phase {
        case .head where headStartedAt != 0:
            return .readingHead(since: headStartedAt)
        case .body:
            return .readingBody
        case .head, .idle, .finished:
            return .awaitingRequest(since: idleSince, answeredAny: answeredAny)
        }
    }

    func connectionDidClose() {
        dropQueuedEvents()
    }

    // MARK: - Requests

    /// Hands queued events out in order: a 100 Continue, a protocol error or the next
    /// request, never more than one request in flight.
    private func processEvents() {
        guard !handedOver else { return }
        while transport.isOpen, !inFlight, nextEvent < events.count {
            // Moved out of its slot, not copied: a copy retains and releases every
            // header string of the request once more.
            var event = HTTPRequestParser.Event.continueExpected
            swap(&event, &events[nextEvent])
            nextEvent += 1
            switch event {
            case .continueExpected:
                if !finishing && !stopping {
                    HTTP1Session.continueResponse.withUnsafeBytes { transport.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
                }
            case .error(let error):
                dropQueuedEvents()
                closingForProtocolError = true
                _ = send(transport.context.errorResponder(error), isHead: false, keepAlive: false, announceKeepAlive: false)
            case .request(let request, let keepAlive):
                dispatch(request, keepAlive: keepAlive)
            }
        }
        if nextEvent == events.count {
            events.removeAll(keepingCapacity: true)
            nextEvent = 0
        }
        if handedOver { return }
        if transport.isOpen, !inFlight, events.isEmpty, peerClosed, !finishing {
            // The client is gone for input and everything it sent is answered.
            finishing = true
            transport.finish(linger: false)
        }
        updateReading()
    }

    /// Backpressure: a client that pipelines without reading its responses is
    /// throttled instead of growing our queues.
    private func updateReading() {
        guard transport.isOpen, !stopping, !finishing else { return }
        let backlog = events.count - nextEvent >= HTTP1Session.maxQueuedEvents || transport.outboundBytes >= OutboundBuffer.highWater
        transport.setReading(!backlog)
    }

    private func dropQueuedEvents() {
        events.removeAll()
        nextEvent = 0
    }

    private func dispatch(_ request: HTTPRequest, keepAlive: Bool) {
        if parser.stoppedForUpgrade, nextEvent == events.count, upgradeToHTTP2(request) { return }
        inFlight = true
        exchange.token &+= 1
        exchange.isHead = request.method == "HEAD"
        exchange.keepAlive = keepAlive
        exchange.announcesKeepAlive = keepAlive && request.version == .http10
        let token = exchange.token
        switch transport.context.handler.handle(request) {
        case .reply(let reply):
            complete(token: token, reply: reply)
        case .later(let answer):
            insideHandler = true
            synchronousReply = nil
            answer { [weak self] reply in
                // Weak: a handler that answers late (or never) must not keep a closed
                // connection alive; its reply has nowhere to go then.
                guard let self else { return }
                // A reply given inside `answer` is applied right after it returns (no hop,
                // no recursion); any other is brought onto the connection's queue first.
                if transport.isOnQueue, insideHandler, exchange.token == token {
                    if synchronousReply == nil { synchronousReply = reply }
                    return
                }
                transport.execute { [self] in
                    complete(token: token, reply: reply)
                    processEvents()
                }
            }
            insideHandler = false
            if let reply = synchronousReply {
                synchronousReply = nil
                complete(token: token, reply: reply)
            }
        }
    }

    /// RFC 7540 §3.2: offers the request to the HTTP/2 side; when it takes it, answers
    /// 101 and hands the connection (and the bytes after the request) over. The new
    /// session answers the request on stream 1.
    private func upgradeToHTTP2(_ request: HTTPRequest) -> Bool {
        guard let upgrade = transport.context.protocols.http2Upgrade, let next = upgrade(transport, request) else { return false }
        HTTP1Session.switchingToH2C.withUnsafeBytes { transport.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
        handedOver = true
        dropQueuedEvents()
        transport.switchProtocol(to: next, replaying: parser.bytesAfterUpgrade)
        return true
    }

    private func complete(token: UInt64, reply: HTTPReply) {
        guard transport.isOpen, inFlight, token == exchange.token else { return }
        inFlight = false
        answeredAny = true
        let now = monotonicNow()
        idleSince = now
        // A pipelined head that arrived meanwhile gets its full header timeout.
        if headStartedAt != 0 { headStartedAt = now }
        switch reply {
        case .resetConnection:
            transport.close(reset: true)
        case .response(let response):
            let keepAlive = exchange.keepAlive && !stopping
            if !send(response, isHead: exchange.isHead, keepAlive: keepAlive, announceKeepAlive: exchange.announcesKeepAlive) {
                dropQueuedEvents()
            }
        }
    }

    // MARK: - Writing

    /// Serialises and sends one response; returns whether the connection stays open.
    private func send(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool, announceKeepAlive: Bool) -> Bool {
        let scratch = transport.scratch
        let date = scratch.dateCache.current()
        let staysOpen = response.serializeHead(into: &scratch.responseHead, date: date, keepAlive: keepAlive, announceKeepAlive: announceKeepAlive)
        // RFC 9110 §9.3.2: a response to HEAD carries the GET headers, no content.
        let withBody = !(isHead || response.forbidsContent)
        let head = scratch.responseHead.bytes
        if withBody {
            response.body.withUnsafeBytes { transport.send(head, $0) }
        } else {
            transport.send(head, UnsafeRawBufferPointer(start: nil, count: 0))
        }
        if !staysOpen {
            finishing = true
            transport.finish(linger: closingForProtocolError)
        }
        return staysOpen
    }
}
