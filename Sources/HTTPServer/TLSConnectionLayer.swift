import TLS

/// TLS between a socket transport and a protocol session. Toward the socket it is the
/// protocol handler (`ConnectionProtocolHandler`: it receives ciphertext); toward the
/// session it is the transport (`ConnectionTransport`: the session's plaintext is
/// encrypted and handed to the socket). Once the handshake is done, ALPN picks the
/// session: `h2` gets the server's HTTP/2 session, anything else (or no ALPN) HTTP/1.1.
///
/// Failures never reach the session: a context that cannot be made (reported once by its
/// provider) closes the connection; a handshake that fails sends OpenSSL's alert and
/// closes once it is flushed; one that never finishes counts as a request head, so the
/// transport's header timeout (its Dispatch sweep timer) closes it.
///
/// Thread safety: like every protocol handler, called only on its connection's serial
/// queue (by the transport, and by the session, which hops there for late replies);
/// the engine and session it owns are touched only there. That confinement is what
/// makes the `@unchecked Sendable` sound.
final class TLSConnectionLayer: ConnectionProtocolHandler, ConnectionTransport, @unchecked Sendable {
    private let outer: any ConnectionTransport
    private let engine: TLSEngine
    private let support: TLSServerSupport
    private var session: (any ConnectionProtocolHandler)?
    private let openedAt: UInt64
    /// The server's context with a handler that marks requests as TLS (and no h2c Upgrade).
    private(set) var context: ServerContext
    private var failed = false
    private var peerClosed = false
    /// The transport closed: no session may start after this. (A request that came with the
    /// client's Finished can be answered and closed inside the read that completes the
    /// handshake; a session made after that would hold this layer, and through it the
    /// connection, forever.)
    private var closed = false

    init?(outer: any ConnectionTransport, support: TLSServerSupport, openedAt: UInt64) {
        guard let tls = try? support.provider.context(), let engine = try? TLSEngine(context: tls) else { return nil }
        self.outer = outer
        self.engine = engine
        self.support = support
        self.openedAt = openedAt
        self.context = outer.context
    }

    // MARK: - From the socket (ConnectionProtocolHandler)

    func receive(_ bytes: UnsafeRawBufferPointer) {
        guard !failed, !peerClosed, !closed else { return }
        let result = engine.receive(bytes) { plaintext in
            if session == nil, !closed { startSession() }
            session?.receive(plaintext)
        }
        switch result {
        case .needMoreInput:
            flush()
        case .handshakeCompleted:
            if session == nil, !closed { startSession() }
            flush()
            if engine.peerClosed { peerDidClose() }
        case .closedByPeer:
            flush()
            peerDidClose()
        case .failed:
            failed = true
            flush()
            session?.connectionDidClose()
            session = nil
            outer.finish(linger: false)
        }
    }

    func peerDidClose() {
        guard !peerClosed else { return }
        peerClosed = true
        if let session {
            session.peerDidClose()
        } else {
            outer.close(reset: false)
        }
    }

    func outputDidDrain() {
        session?.outputDidDrain()
    }

    func beginGracefulStop() {
        if let session {
            session.beginGracefulStop()
        } else {
            // Still shaking hands: nothing was asked yet, so nothing is left unanswered.
            outer.close(reset: false)
        }
    }

    var activity: ConnectionActivity {
        // The handshake counts as the first request's head: the header timeout bounds it.
        session?.activity ?? .readingHead(since: openedAt)
    }

    func connectionDidClose() {
        // The session holds this layer as its transport: letting it go breaks the cycle.
        closed = true
        session?.connectionDidClose()
        session = nil
    }

    private func startSession() {
        let info = TLSConnectionInfo(version: engine.protocolVersion ?? "TLS", alpn: engine.negotiatedALPN)
        context = support.context(for: info)
        if engine.applicationProtocol == .http2, let makeHTTP2 = context.protocols.http2PriorKnowledge {
            session = makeHTTP2(self)
        } else {
            session = HTTP1Session(transport: self, openedAt: openedAt)
        }
    }

    /// Hands every ciphertext byte the engine has to the socket transport.
    private func flush() {
        let outer = self.outer
        engine.drainCiphertext { outer.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
    }

    // MARK: - From the session (ConnectionTransport)

    var scratch: ConnectionScratch { outer.scratch }
    var outboundBytes: Int { outer.outboundBytes }
    var isOpen: Bool { outer.isOpen && !failed && engine.isEstablished }
    var isStopping: Bool { outer.isStopping }
    var remoteAddress: String { outer.remoteAddress }
    var isOnQueue: Bool { outer.isOnQueue }

    func send(_ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) {
        guard isOpen else { return }
        let total = head.count + body.count
        if !body.isEmpty, !head.isEmpty, total <= TLSConnectionLayer.coalescedRecordBytes {
            // One record for a small response instead of two: one seal, one header.
            withUnsafeTemporaryAllocation(byteCount: total, alignment: 16) { joined in
                joined.copyMemory(from: head)
                UnsafeMutableRawBufferPointer(rebasing: joined[head.count...]).copyMemory(from: body)
                engine.send(UnsafeRawBufferPointer(joined))
            }
        } else {
            engine.send(head)
            engine.send(body)
        }
        flush()
    }

    /// A TLS record's largest plaintext.
    static let coalescedRecordBytes = 16384

    func setReading(_ wanted: Bool) { outer.setReading(wanted) }

    func finish(linger: Bool) {
        // close_notify after the last response (RFC 8446 §6.1), then the socket's own close.
        engine.shutdown()
        flush()
        outer.finish(linger: linger)
    }

    func close(reset: Bool) { outer.close(reset: reset) }

    func execute(_ work: @escaping @Sendable () -> Void) { outer.execute(work) }

    func switchProtocol(to handler: any ConnectionProtocolHandler, replaying: [UInt8]) {
        session = handler
        replaying.withUnsafeBytes { handler.receive($0) }
    }
}
