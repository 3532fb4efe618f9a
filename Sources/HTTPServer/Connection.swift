import Dispatch
import Sockets

/// The transport half of one accepted TCP connection: a read source on its queue, a
/// write source made only once a send meets EAGAIN, the bytes waiting for the socket,
/// and the close sequence. What the bytes mean is its protocol handler's business
/// (`HTTP1Session`, chosen from the first bytes by `ProtocolSniffer`).
///
/// The descriptor is closed only in the last cancel handler of its sources: a number
/// closed earlier could be handed to a new socket while a source still watches it.
///
/// Thread safety: every mutable field is touched only on `owner.queue`, a serial
/// queue: the sources' handlers run there, and everything else arrives through
/// `owner`'s methods (which hop there) or from the protocol handler, itself called
/// only there. That confinement is what makes the `@unchecked Sendable` sound.
final class Connection: ConnectionTransport, @unchecked Sendable {
    private enum State {
        /// Reading and answering.
        case open
        /// Last response flushed and write side shut; draining input until EOF or a
        /// deadline so the client is not sent a reset before it read the response.
        case lingering
        /// Sources cancelled; the descriptor closes in the last cancel handler.
        case closing
    }

    let socket: Socket
    let owner: ConnectionQueue
    let context: ServerContext
    let remoteAddress: String
    var scratch: ConnectionScratch { owner.scratch }

    private var state = State.open
    private var session: (any ConnectionProtocolHandler)?
    /// The first bytes, kept while they could still be the HTTP/2 preface.
    private var sniffed: [UInt8] = []

    private let readSource: DispatchSourceRead
    private var readSuspended = false
    /// What the protocol handler asked for (`setReading`).
    private var readingWanted = true
    private var writeSource: DispatchSourceWrite?
    private var writeArmed = false
    private var output = OutboundBuffer()
    /// The output waits in the queue's turn log for its lines to be written.
    private var outputHeld = false
    private var liveSources = 1

    private var closeAfterFlush = false
    private var lingerOnClose = false
    /// The client shut its write side (recv returned 0).
    private var peerClosed = false
    private(set) var isStopping = false

    // Monotonic nanoseconds.
    private let openedAt: UInt64
    private var lastRead: UInt64
    private var lastWrite: UInt64
    private var lingerDeadline: UInt64 = 0

    init(socket: Socket, remoteAddress: String, owner: ConnectionQueue) {
        self.socket = socket
        self.owner = owner
        self.context = owner.context
        self.remoteAddress = remoteAddress
        readSource = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: owner.queue)
        let now = monotonicNow()
        openedAt = now
        lastRead = now
        lastWrite = now
        context.tracker.instanceMade()
    }

    deinit { context.tracker.instanceFreed() }

    /// Starts reading (on the queue). The sources hold the connection until their
    /// cancel handlers release it.
    func start() {
        socket.setNoDelay()
        readSource.setEventHandler { self.readable() }
        readSource.setCancelHandler { self.sourceCancelled() }
        readSource.activate()
    }

    // MARK: - ConnectionTransport

    var isOpen: Bool { state == .open }
    var outboundBytes: Int { output.count }
    var isOnQueue: Bool { owner.isCurrent }

    func execute(_ work: @escaping @Sendable () -> Void) {
        owner.queue.async(execute: work)
    }

    func setReading(_ wanted: Bool) {
        readingWanted = wanted
        updateReadSource()
    }

    func send(_ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) {
        guard state == .open else { return }
        let holding = owner.turnLog.holdsAnswers
        if holding || !output.isEmpty {
            output.append(head)
            output.append(body)
            if holding { holdOutput() }
            return
        }
        let written: Int
        do {
            switch try socket.send(head, body) {
            case .processed(let count):
                written = count
                lastWrite = monotonicNow()
            case .wouldBlock:
                written = 0
            }
        } catch {
            close(reset: false)
            return
        }
        if written == head.count + body.count { return }
        if written < head.count {
            output.append(UnsafeRawBufferPointer(rebasing: head[written...]))
            output.append(body)
        } else {
            output.append(UnsafeRawBufferPointer(rebasing: body[(written - head.count)...]))
        }
        armWriteSource()
    }

    func finish(linger: Bool) {
        guard state == .open else { return }
        closeAfterFlush = true
        lingerOnClose = lingerOnClose || linger
        if output.isEmpty { finishClosing() }
    }

    func close(reset: Bool) {
        guard state != .closing else { return }
        state = .closing
        output.removeAll()
        if reset { socket.setResetOnClose() }
        let session = self.session
        session?.connectionDidClose()
        readSource.cancel()
        // A suspended source runs its cancel handler only once resumed.
        if readSuspended {
            readSuspended = false
            readSource.resume()
        }
        if let writeSource {
            writeSource.cancel()
            if !writeArmed {
                writeArmed = true
                writeSource.resume()
            }
        }
    }

    func switchProtocol(to handler: any ConnectionProtocolHandler, replaying: [UInt8]) {
        guard state == .open else { return }
        session = handler
        if !replaying.isEmpty {
            replaying.withUnsafeBytes { handler.receive($0) }
        }
    }

    // MARK: - Server side (on the queue)

    /// Graceful stop: the protocol handler finishes what is in flight, then closes.
    func beginGracefulStop() {
        guard !isStopping else { return }
        isStopping = true
        switch state {
        case .closing:
            return
        case .lingering:
            close(reset: false)
        case .open:
            if let session {
                session.beginGracefulStop()
            } else {
                close(reset: false)
            }
        }
    }

    /// Called by the queue's sweep.
    func checkTimeouts(now: UInt64) {
        switch state {
        case .closing:
            return
        case .lingering:
            if now >= lingerDeadline { close(reset: false) }
        case .open:
            if peerClosed, socket.pendingError() != 0 {
                // Reset after the EOF (the client vanished while its last request is
                // handled): recv keeps returning 0, so only SO_ERROR tells.
                close(reset: false)
                return
            }
            let activity = session?.activity
                ?? (sniffed.isEmpty ? .awaitingRequest(since: openedAt, answeredAny: false) : .readingHead(since: openedAt))
            let verdict = context.timeouts.verdict(activity, now: now, lastRead: lastRead, lastWrite: lastWrite, outputPending: !output.isEmpty)
            if verdict == .close { close(reset: false) }
        }
    }

    // MARK: - Reading

    /// A read event, run inside the queue's `TurnLog`: request lines logged meanwhile are
    /// written before their answers go out (under load, once for the whole turn).
    private func readable() {
        owner.turnLog.run(readAvailable)
    }

    private func readAvailable() {
        let buffer = scratch.readBuffer
        // Read until EAGAIN: libdispatch watches the descriptor edge-triggered, so data
        // and a reset that arrive together are reported once, and a short read does not
        // mean the reset was seen. After a few full buffers, yield to the other
        // connections of the queue and come back for the rest.
        for _ in 0..<4 {
            guard state != .closing, !readSuspended else { return }
            let result: IOResult<Int>
            do {
                result = try socket.receive(into: buffer)
            } catch {
                close(reset: false)
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(0):
                peerDidClose()
                return
            case .processed(let count):
                if state == .lingering { continue }
                lastRead = monotonicNow()
                deliver(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        }
        readSoon()
    }

    /// Reads again after the events queued now: nothing reports bytes that were already
    /// waiting when reading paused or yielded.
    private func readSoon() {
        owner.queue.async {
            if self.state != .closing, !self.readSuspended { self.readable() }
        }
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer) {
        if let session {
            session.receive(bytes)
            return
        }
        if let tls = context.tls, sniffed.isEmpty, bytes.first == ProtocolSniffer.tlsHandshakeRecord {
            // HTTPS: the TLS layer is this connection's protocol handler, and picks HTTP/1.1
            // or HTTP/2 inside by ALPN.
            guard let layer = TLSConnectionLayer(outer: self, support: tls, openedAt: openedAt) else {
                close(reset: false)
                return
            }
            startSession(layer, with: bytes)
            return
        }
        guard let makeHTTP2 = context.protocols.http2PriorKnowledge else {
            // Without HTTP/2 there is nothing to sniff for.
            startSession(HTTP1Session(transport: self, openedAt: openedAt), with: bytes)
            return
        }
        sniffed.append(contentsOf: bytes)
        let verdict = sniffed.withUnsafeBytes { ProtocolSniffer.classify($0) }
        switch verdict {
        case .undecided:
            return
        case .http2:
            startSession(makeHTTP2(self), with: nil)
        case .http1, .tls:
            // TLS is not served yet: HTTP/1.1 answers its handshake with 400.
            startSession(HTTP1Session(transport: self, openedAt: openedAt), with: nil)
        }
    }

    /// Installs the protocol handler and feeds it `bytes` (nil: the sniffed bytes).
    private func startSession(_ handler: any ConnectionProtocolHandler, with bytes: UnsafeRawBufferPointer?) {
        session = handler
        if let bytes {
            handler.receive(bytes)
        } else {
            let first = sniffed
            sniffed = []
            first.withUnsafeBytes { handler.receive($0) }
        }
    }

    private func peerDidClose() {
        guard !peerClosed else {
            // Fired again after the EOF: a reset, which recv does not report any more.
            if socket.pendingError() != 0 { close(reset: false) }
            return
        }
        peerClosed = true
        if state == .lingering {
            close(reset: false)
            return
        }
        // The source stays on: a reset after the EOF is the next thing it reports (the
        // peer vanished while its last request is handled), and edge-triggered it does
        // not fire for the EOF again.
        if let session {
            session.peerDidClose()
        } else {
            close(reset: false)
        }
    }

    private func updateReadSource() {
        guard state != .closing else { return }
        let wanted = state == .lingering || (readingWanted && !closeAfterFlush)
        if wanted, readSuspended {
            readSuspended = false
            readSource.resume()
            readSoon()
        } else if !wanted, !readSuspended {
            readSuspended = true
            readSource.suspend()
        }
    }

    // MARK: - Writing

    private func armWriteSource() {
        if let writeSource {
            if !writeArmed {
                writeArmed = true
                writeSource.resume()
            }
            return
        }
        let source = DispatchSource.makeWriteSource(fileDescriptor: socket.fd, queue: owner.queue)
        source.setEventHandler { self.writable() }
        source.setCancelHandler { self.sourceCancelled() }
        writeSource = source
        liveSources += 1
        writeArmed = true
        source.activate()
    }

    private func writable() {
        guard state == .open else { return }
        if owner.turnLog.holdsAnswers {
            // Output added this turn waits for its log lines; the turn's end sends it all.
            holdOutput()
            return
        }
        sendOutput()
    }

    private func holdOutput() {
        guard !outputHeld else { return }
        outputHeld = true
        owner.turnLog.hold(self)
    }

    /// From the turn log, once the turn's lines are written.
    func sendHeldOutput() {
        outputHeld = false
        guard state == .open else { return }
        sendOutput()
    }

    /// Sends what is queued; arms the write source for what the socket does not take.
    private func sendOutput() {
        let taken: Int
        do {
            taken = try output.drain { try socket.send($0) }
        } catch {
            close(reset: false)
            return
        }
        if taken > 0 { lastWrite = monotonicNow() }
        guard output.isEmpty else {
            armWriteSource()
            return
        }
        if writeArmed, let writeSource {
            writeArmed = false
            writeSource.suspend()
        }
        if closeAfterFlush {
            finishClosing()
        } else {
            session?.outputDidDrain()
        }
    }

    /// Everything is flushed and the connection must end: close, or half-close and linger.
    private func finishClosing() {
        guard state == .open else { return }
        if peerClosed || isStopping {
            close(reset: false)
            return
        }
        if !lingerOnClose {
            // The exchange ended normally: if nothing unread is waiting, a plain close
            // sends FIN after the response and lingering would only cost a wakeup.
            switch try? socket.receive(into: scratch.readBuffer) {
            case .wouldBlock?, .processed(0)?, nil:
                close(reset: false)
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
        lingerDeadline = monotonicNow() &+ context.timeouts.linger
        updateReadSource()
    }

    // MARK: - Closing

    private func sourceCancelled() {
        liveSources -= 1
        guard liveSources == 0 else { return }
        owner.remove(self)
        socket.close()
        context.tracker.didClose()
        // Break the cycles through the handlers and the protocol handler.
        session = nil
        writeSource = nil
    }
}
