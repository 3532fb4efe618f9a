#if canImport(Glibc)
import Glibc
#endif

/// One accepted TCP connection: reads into the parser, calls the handler for one
/// request at a time, writes responses strictly in order, and closes.
///
/// Every method runs on the owning loop's thread, called for the level-triggered
/// epoll events of its descriptor; the handler's `reply` may come from any thread
/// and is handed to the loop with `execute`. The descriptor leaves the epoll set
/// before it is closed, so the kernel cannot reuse the number while it is watched.
final class HTTPConnection: @unchecked Sendable {
    private enum State {
        /// Reading and answering requests.
        case open
        /// Last response flushed and write side shut; draining input until EOF or a
        /// deadline so the client is not sent a reset before it read the response.
        case lingering
        /// Descriptor closed.
        case closed
    }

    /// Reading pauses while this many parsed requests wait for their turn...
    private static let maxQueuedEvents = 16
    /// ...or while this many response bytes wait for the socket.
    private static let maxQueuedOutput = 1 << 20
    private static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private let socket: Socket
    private let loop: ConnectionLoop
    private let context: ServerContext
    private var parser: HTTPRequestParser
    private var state = State.open

    /// Set by the loop when it adopts the connection; part of every epoll token.
    var generation: UInt32 = 0
    /// Whether the descriptor is in the loop's epoll set, and with which events.
    private var registered = false
    private var registeredEvents: UInt32 = 0
    private var readPaused = false
    /// Output is queued: watch for EPOLLOUT.
    private var awaitingWritable = false

    /// Parsed but not yet handled, in arrival order (`events[nextEvent...]`).
    private var events: [HTTPRequestParser.Event] = []
    private var nextEvent = 0

    /// The handler has a request and has not replied yet.
    private var inFlight = false
    /// Identifies the request in flight, so a late or repeated reply is ignored.
    private var requestToken: UInt64 = 0
    private var insideHandler = false
    private var synchronousReply: HTTPReply?
    private var currentIsHead = false
    private var currentKeepAlive = false
    private var currentAnnouncesKeepAlive = false

    /// Bytes waiting for the socket: whole chunks, the first one sent up to `outputOffset`.
    private var output: [[UInt8]] = []
    private var outputOffset = 0
    private var outputBytes = 0
    private var closeAfterFlush = false
    private var closingForProtocolError = false
    /// The client shut its write side (recv returned 0).
    private var peerClosed = false
    private var shuttingDown = false
    private var answeredAny = false

    // Timeout bookkeeping, monotonic nanoseconds.
    private var idleSince: UInt64
    private var headStartedAt: UInt64 = 0
    private var lastReadProgress: UInt64
    private var lastWriteProgress: UInt64
    private var lingerDeadline: UInt64 = 0

    /// HTTP/2: the first bytes are kept until they tell the preface from HTTP/1.1;
    /// then, for HTTP/2 (prior knowledge or an h2c Upgrade), the session speaks.
    private var sniffing = true
    private var sniffed: [UInt8] = []
    private var h2: HTTP2Session?
    /// Pull frames from the session only while less than this waits for the socket.
    private static let h2OutputLimit = 64 * 1024

    init(socket: Socket, remoteAddress: String, loop: ConnectionLoop) {
        self.socket = socket
        self.loop = loop
        self.context = loop.context
        self.parser = HTTPRequestParser(limits: loop.context.limits, remoteAddress: remoteAddress)
        let now = monotonicNow()
        idleSince = now
        lastReadProgress = now
        lastWriteProgress = now
    }

    var fd: Int32 { socket.fd }

    // MARK: - Lifecycle

    /// Starts watching the descriptor (on the loop, after `adopt`); false when epoll
    /// refused it and the connection is closed already.
    func start() -> Bool {
        do {
            try loop.register(socket.fd, events: EPoll.readable, generation: generation)
        } catch {
            close()
            return false
        }
        registered = true
        registeredEvents = EPoll.readable
        return true
    }

    /// Readiness reported by epoll for this descriptor.
    func handle(events: UInt32) {
        let failed = events & (EPoll.error | EPoll.hangUp) != 0
        if awaitingWritable, failed || events & EPoll.writable != 0 {
            writable()
        }
        guard state != .closed, failed || events & EPoll.readable != 0 else { return }
        if !readPaused {
            readable()
        } else if failed {
            // Reset (or both directions shut) while we are not reading: level-triggered
            // epoll would report it on every wait, and no response can be delivered.
            abort(reset: false)
        }
    }

    /// Server shutdown: close now unless a request is being handled or written.
    func beginShutdown() {
        shuttingDown = true
        switch state {
        case .closed:
            return
        case .lingering:
            close()
            return
        case .open:
            break
        }
        if let h2 {
            h2.beginShutdown()
            flushHTTP2()
            return
        }
        // Requests not handed to the handler yet are dropped; the one in flight
        // finishes and is answered with `Connection: close`.
        dropQueuedEvents()
        pauseReading()
        if inFlight { return }
        if outputBytes > 0 {
            closeAfterFlush = true
            return
        }
        close()
    }

    /// Closes at once. With `reset`, SO_LINGER 0 makes the close send RST.
    func abort(reset: Bool) {
        guard state != .closed else { return }
        if reset { socket.setResetOnClose() }
        close()
    }

    private func close() {
        guard state != .closed else { return }
        state = .closed
        dropQueuedEvents()
        output = []
        outputBytes = 0
        awaitingWritable = false
        // Out of the epoll set first: once closed, the number may be reused at once.
        loop.remove(socket.fd, registered: registered)
        registered = false
        socket.close()
        context.tracker.didClose()
    }

    // MARK: - Reading

    private func readable() {
        guard state != .closed else { return }
        let buffer = loop.readBuffer
        // A short read means the socket is drained for now: epoll is level-triggered, so
        // anything arriving later (more data, EOF, a reset) is reported again and the
        // usual exchange costs one recv. After a few full buffers, yield to the other
        // connections of the loop; the next epoll_wait reports this one again.
        for _ in 0..<4 {
            let result: IOResult<Int>
            do {
                result = try socket.receive(into: buffer)
            } catch {
                abort(reset: false)
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(0):
                peerDidClose()
                return
            case .processed(let count):
                if state == .lingering {
                    if count < buffer.count { return }
                    continue
                }
                let now = monotonicNow()
                lastReadProgress = now
                if let h2 {
                    h2.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    flushHTTP2()
                    if state != .open || readPaused || count < buffer.count { return }
                    continue
                }
                if sniffing {
                    sniffed.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    let verdict = sniffed.withUnsafeBytes { HTTP2Preface.classify($0) }
                    if verdict == .undecided { continue }
                    sniffing = false
                    let first = sniffed
                    sniffed = []
                    if verdict == .http2 {
                        startHTTP2(with: first, upgrading: nil)
                        return
                    }
                    let eventsBefore = events.count
                    first.withUnsafeBytes { parser.feed($0, into: &events) }
                    if parser.phase == .head {
                        if headStartedAt == 0 || events.count > eventsBefore { headStartedAt = now }
                    } else {
                        headStartedAt = 0
                    }
                    processEvents()
                    if state != .open || readPaused || count < buffer.count { return }
                    continue
                }
                let eventsBefore = events.count
                parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), into: &events)
                // RFC 9112 gives no number; the header timeout runs from the first byte
                // of a request to the end of its header section.
                if parser.phase == .head {
                    if headStartedAt == 0 || events.count > eventsBefore { headStartedAt = now }
                } else {
                    headStartedAt = 0
                }
                processEvents()
                if state != .open || readPaused || count < buffer.count { return }
            }
        }
    }

    private func peerDidClose() {
        peerClosed = true
        if h2 != nil {
            close()
            return
        }
        if state == .lingering {
            close()
            return
        }
        // EOF stays readable forever on level-triggered epoll: stop watching for input.
        pauseReading()
        if inFlight || nextEvent < events.count || outputBytes > 0 {
            // Answer what was fully received, then close (processEvents / complete).
            return
        }
        close()
    }

    private func pauseReading() {
        guard !readPaused, state != .closed else { return }
        readPaused = true
        updateInterest()
    }

    private func resumeReading() {
        guard readPaused, !peerClosed, state != .closed else { return }
        readPaused = false
        // Level-triggered: input or a hang-up that arrived meanwhile is reported at once.
        updateInterest()
    }

    /// Tells epoll what this connection waits for now (EPOLL_CTL_MOD only on a change).
    private func updateInterest() {
        guard registered, state != .closed else { return }
        let wanted = (readPaused ? 0 : EPoll.readable) | (awaitingWritable ? EPoll.writable : 0)
        guard wanted != registeredEvents else { return }
        do {
            try loop.updateInterest(socket.fd, events: wanted, generation: generation)
            registeredEvents = wanted
        } catch {
            abort(reset: false)
        }
    }

    /// Backpressure: a client that pipelines without reading its responses is
    /// throttled instead of growing our queues.
    private func updateReadInterest() {
        guard state == .open, !shuttingDown else { return }
        if events.count - nextEvent >= HTTPConnection.maxQueuedEvents || outputBytes >= HTTPConnection.maxQueuedOutput {
            pauseReading()
        } else if !closeAfterFlush {
            resumeReading()
        }
    }

    private func dropQueuedEvents() {
        events.removeAll()
        nextEvent = 0
    }

    // MARK: - Requests

    /// Hands queued events out in order: a 100 Continue, a protocol error or the next
    /// request, never more than one request in flight.
    private func processEvents() {
        while state == .open, !inFlight, nextEvent < events.count {
            // Moved out of its slot, not copied: a copy retains and releases every
            // header string of the request once more.
            var event = HTTPRequestParser.Event.continueExpected
            swap(&event, &events[nextEvent])
            nextEvent += 1
            switch event {
            case .continueExpected:
                if !closeAfterFlush && !shuttingDown { enqueue(HTTPConnection.continueResponse, []) }
            case .error(let error):
                dropQueuedEvents()
                // The client may still be sending the rejected body: linger on close.
                closingForProtocolError = true
                _ = send(context.errorResponder(error), isHead: false, keepAlive: false, announceKeepAlive: false)
            case .request(let request, let keepAlive):
                dispatch(request, keepAlive: keepAlive)
            }
        }
        if nextEvent == events.count {
            events.removeAll(keepingCapacity: true)
            nextEvent = 0
        }
        if state == .open, !inFlight, events.isEmpty, peerClosed, !closeAfterFlush {
            // The client is gone for input and everything it sent is answered.
            closeAfterFlush = true
            if outputBytes == 0 { finishClosing() }
        }
        updateReadInterest()
    }

    private func dispatch(_ request: HTTPRequest, keepAlive: Bool) {
        if !shuttingDown, let payload = HTTP2Upgrade.settingsPayload(for: request) {
            enqueue(HTTP2Upgrade.switchingProtocols, [])
            dropQueuedEvents()
            startHTTP2(with: [], upgrading: (request, payload))
            return
        }
        inFlight = true
        requestToken &+= 1
        let token = requestToken
        currentIsHead = request.method == "HEAD"
        currentKeepAlive = keepAlive
        currentAnnouncesKeepAlive = keepAlive && request.version == .http10
        insideHandler = true
        synchronousReply = nil
        let loop = self.loop
        context.handler.handle(request) { [self] reply in
            // A reply given inside `handle` is applied right after it returns (no
            // thread hop, no recursion); any other is handed to the loop with `execute`.
            if loop.isCurrent, insideHandler, requestToken == token {
                if synchronousReply == nil { synchronousReply = reply }
                return
            }
            loop.execute { [self] in
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

    private func complete(token: UInt64, reply: HTTPReply) {
        guard state == .open, inFlight, token == requestToken else { return }
        inFlight = false
        answeredAny = true
        let now = monotonicNow()
        idleSince = now
        // A pipelined head that arrived meanwhile gets its full header timeout.
        if headStartedAt != 0 { headStartedAt = now }
        switch reply {
        case .resetConnection:
            abort(reset: true)
        case .response(let response):
            let keepAlive = currentKeepAlive && !shuttingDown
            if !send(response, isHead: currentIsHead, keepAlive: keepAlive, announceKeepAlive: currentAnnouncesKeepAlive) {
                dropQueuedEvents()
            }
        }
    }

    // MARK: - Writing

    /// Serialises and sends one response; returns whether the connection stays open.
    private func send(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool, announceKeepAlive: Bool) -> Bool {
        let date = loop.dateCache.current()
        loop.scratch.removeAll(keepingCapacity: true)
        let staysOpen = response.serializeHead(into: &loop.scratch, date: date, keepAlive: keepAlive, announceKeepAlive: announceKeepAlive)
        // RFC 9110 §9.3.2: a response to HEAD carries the GET headers, no content.
        let body = (isHead || response.forbidsContent) ? [] : response.body
        enqueue(loop.scratch, body)
        if !staysOpen {
            closeAfterFlush = true
            if outputBytes == 0 { finishClosing() }
        }
        return staysOpen
    }

    /// Sends head + body in one syscall when nothing is queued; keeps what the socket
    /// did not take and drains it when the socket turns writable.
    private func enqueue(_ head: [UInt8], _ body: [UInt8]) {
        guard state == .open else { return }
        if outputBytes > 0 {
            output.append(head)
            if !body.isEmpty { output.append(body) }
            outputBytes += head.count + body.count
            return
        }
        let result: IOResult<Int>
        do {
            result = try head.withUnsafeBytes { h in
                try body.withUnsafeBytes { b in try socket.send(h, b) }
            }
        } catch {
            abort(reset: false)
            return
        }
        var written = 0
        if case .processed(let count) = result {
            written = count
            lastWriteProgress = monotonicNow()
        }
        if written == head.count + body.count { return }
        if written < head.count {
            output.append(written == 0 ? head : Array(head[written...]))
            if !body.isEmpty { output.append(body) }
        } else {
            output.append(body)
            outputOffset = written - head.count
        }
        outputBytes = head.count + body.count - written
        awaitingWritable = true
        updateInterest()
    }

    private func writable() {
        guard state == .open else { return }
        while let chunk = output.first {
            let result: IOResult<Int>
            do {
                result = try chunk.withUnsafeBytes { raw in
                    try socket.send(UnsafeRawBufferPointer(rebasing: raw[outputOffset...]))
                }
            } catch {
                abort(reset: false)
                return
            }
            guard case .processed(let count) = result else { return }
            lastWriteProgress = monotonicNow()
            outputBytes -= count
            outputOffset += count
            if outputOffset == chunk.count {
                output.removeFirst()
                outputOffset = 0
            }
        }
        awaitingWritable = false
        updateInterest()
        guard state == .open else { return }
        if h2 != nil {
            flushHTTP2()
            return
        }
        if closeAfterFlush {
            finishClosing()
        } else {
            updateReadInterest()
        }
    }

    /// Everything is flushed and the connection must end: half-close and linger.
    private func finishClosing() {
        guard state == .open else { return }
        if peerClosed || shuttingDown {
            close()
            return
        }
        if !closingForProtocolError {
            // The exchange ended normally: if nothing unread is waiting, a plain close
            // sends FIN after the response and lingering would only cost a wakeup.
            switch try? socket.receive(into: loop.readBuffer) {
            case .wouldBlock?, .processed(0)?, nil:
                close()
                return
            case .processed?:
                break
            }
        }
        // RFC 9112 §9.6: close in stages. Shut the write side first and keep reading
        // (and discarding) for a moment, or unread input would make the kernel send
        // RST and the client could lose the response it has not read yet.
        socket.shutdownWrite()
        state = .lingering
        lingerDeadline = monotonicNow() &+ context.lingerTimeout
        dropQueuedEvents()
        // Drain on EPOLLIN (reported at once if input is already waiting).
        readPaused = false
        updateInterest()
    }

    // MARK: - HTTP/2

    private func startHTTP2(with first: [UInt8], upgrading: (request: HTTPRequest, settings: [UInt8])?) {
        let loop = self.loop
        guard let session = HTTP2Session(configuration: HTTP2Session.Configuration(context), remoteAddress: parser.remoteAddress,
                                         schedule: { work in _ = loop.execute(work) }) else {
            abort(reset: false)
            return
        }
        h2 = session
        session.outputAvailable = { [weak self] in self?.flushHTTP2() }
        if let upgrading, !session.upgrade(from: upgrading.request, settingsPayload: upgrading.settings) {
            close()
            return
        }
        first.withUnsafeBytes { session.receive($0) }
        flushHTTP2()
        resumeReading()
    }

    /// Takes frames from the session while the socket keeps up; closes when it is done.
    private func flushHTTP2() {
        guard let h2, state == .open else { return }
        if outputBytes < HTTPConnection.h2OutputLimit {
            var out: [UInt8] = []
            h2.produceOutput(into: &out, limit: HTTPConnection.h2OutputLimit)
            if !out.isEmpty { enqueue(out, []) }
        }
        guard state == .open else { return }
        if outputBytes == 0, h2.isFinished {
            close()
            return
        }
        if !h2.wantsInput || outputBytes >= HTTPConnection.h2OutputLimit { pauseReading() } else { resumeReading() }
    }

    // MARK: - Timeouts

    /// Called by the loop's sweep. A request in the handler's hands is never timed out.
    func checkTimeouts(now: UInt64) {
        switch state {
        case .closed:
            return
        case .lingering:
            if now >= lingerDeadline { close() }
            return
        case .open:
            break
        }
        if let h2 {
            if outputBytes > 0 {
                if now &- lastWriteProgress >= context.idleTimeout { abort(reset: false) }
                return
            }
            if h2.checkTimeouts(now: now) { flushHTTP2(); if state == .open { close() } }
            return
        }
        if inFlight { return }
        if outputBytes > 0 {
            // The client stopped reading its responses.
            if now &- lastWriteProgress >= context.idleTimeout { abort(reset: false) }
            return
        }
        switch parser.phase {
        case .head:
            if headStartedAt != 0, now &- headStartedAt >= context.headerTimeout { close() }
        case .body:
            if now &- lastReadProgress >= context.idleTimeout { close() }
        case .idle, .finished:
            // Before its first request a connection is not "kept alive" yet: it gets the
            // header timeout to start one (no free idle slots for silent connects).
            let limit = answeredAny ? context.idleTimeout : min(context.idleTimeout, context.headerTimeout)
            if now &- idleSince >= limit { close() }
        }
    }
}
