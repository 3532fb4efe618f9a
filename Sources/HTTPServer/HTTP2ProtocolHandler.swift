/// HTTP/2 as a connection's protocol handler: plugs `HTTP2Session` into the transport
/// (`ConnectionTransport`) through `ServerProtocols`, for prior knowledge and for
/// `Upgrade: h2c`.
///
/// Output is pulled from the session only while the transport holds less than
/// `outputLimit` unsent bytes, and reading stops meanwhile: a client that does not
/// read makes nghttp2 hold its frames (bounded by the stream limit and its ACK flood
/// guard) instead of this server queueing them.
///
/// Thread safety: every method runs on the connection's queue (the transport calls
/// it there, and the session's late replies hop there with `transport.execute`), which
/// is what makes the `@unchecked Sendable` sound.
final class HTTP2ProtocolHandler: ConnectionProtocolHandler, @unchecked Sendable {
    /// Frames are taken from the session while fewer unsent bytes than this wait.
    static let outputLimit = 64 * 1024

    private let transport: any ConnectionTransport
    private let session: HTTP2Session
    private var finishing = false

    private init?(transport: any ConnectionTransport) {
        self.transport = transport
        let configuration = HTTP2Session.Configuration(transport.context)
        guard let session = HTTP2Session(configuration: configuration, remoteAddress: transport.remoteAddress,
                                         schedule: { [transport] work in transport.execute(work) }) else { return nil }
        self.session = session
        session.outputAvailable = { [weak self] in self?.flush() }
    }

    /// `ServerProtocols.http2PriorKnowledge`: the connection opened with the preface.
    static func priorKnowledge(_ transport: any ConnectionTransport) -> any ConnectionProtocolHandler {
        HTTP2ProtocolHandler(transport: transport) ?? ClosingProtocolHandler(transport: transport)
    }

    /// `ServerProtocols.http2Upgrade`: takes an HTTP/1.1 request that may be upgraded
    /// (`HTTP2Upgrade.settingsPayload`) and answers it on stream 1 once the 101 is out;
    /// nil leaves it to HTTP/1.1.
    static func upgrade(_ transport: any ConnectionTransport, _ request: HTTPRequest) -> (any ConnectionProtocolHandler)? {
        guard let payload = HTTP2Upgrade.settingsPayload(for: request),
              let handler = HTTP2ProtocolHandler(transport: transport),
              handler.session.upgrade(from: request, settingsPayload: payload) else { return nil }
        // Nothing is sent yet: the 101 goes first, then `receive` (the client's preface)
        // or a late reply flushes the session's SETTINGS and the answer.
        return handler
    }

    // MARK: - ConnectionProtocolHandler

    func receive(_ bytes: UnsafeRawBufferPointer) {
        session.receive(bytes)
        flush()
    }

    func peerDidClose() {
        // An HTTP/2 client does not half-close; what it sent unfinished cannot complete.
        transport.close(reset: false)
    }

    func outputDidDrain() {
        flush()
    }

    func beginGracefulStop() {
        session.beginShutdown()
        flush()
    }

    var activity: ConnectionActivity {
        let state = session.idleState
        if state.handling { return .handling }
        // The sweep is the only timer: past the deadline, say GOAWAY before the sweep
        // closes the connection (RFC 9113 §9.1 asks for one).
        if !finishing, session.checkTimeouts(now: monotonicNow(), idle: transport.context.timeouts.idle,
                                             header: transport.context.timeouts.header) {
            flush()
        }
        return .awaitingRequest(since: state.since, answeredAny: state.answeredAny)
    }

    func connectionDidClose() {
        finishing = true
    }

    // MARK: - Output

    /// Moves the session's frames to the transport while it keeps up; ends the
    /// connection once the session has nothing more to say or hear.
    private func flush() {
        guard transport.isOpen, !finishing else { return }
        if transport.outboundBytes < HTTP2ProtocolHandler.outputLimit {
            let scratch = transport.scratch
            scratch.http2Frames.removeAll(keepingCapacity: true)
            session.produceOutput(into: &scratch.http2Frames, limit: HTTP2ProtocolHandler.outputLimit)
            if !scratch.http2Frames.isEmpty {
                scratch.http2Frames.withUnsafeBytes { transport.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
            }
        }
        guard transport.isOpen else { return }
        if session.isFinished {
            finishing = true
            transport.finish(linger: session.failed)
            return
        }
        transport.setReading(session.wantsInput && transport.outboundBytes < HTTP2ProtocolHandler.outputLimit)
    }
}

/// Stands in when nghttp2 cannot allocate a session: the connection just closes.
private final class ClosingProtocolHandler: ConnectionProtocolHandler, @unchecked Sendable {
    // @unchecked: like every protocol handler, used only on its connection's queue.
    private let transport: any ConnectionTransport
    init(transport: any ConnectionTransport) { self.transport = transport }
    func receive(_ bytes: UnsafeRawBufferPointer) { transport.close(reset: false) }
    func peerDidClose() { transport.close(reset: false) }
    func outputDidDrain() {}
    func beginGracefulStop() { transport.close(reset: false) }
    var activity: ConnectionActivity { .awaitingRequest(since: 0, answeredAny: false) }
    func connectionDidClose() {}
}

extension ServerProtocols {
    /// HTTP/2 by prior knowledge and by `Upgrade: h2c`, both through libnghttp2.
    static let http2 = ServerProtocols(http2PriorKnowledge: HTTP2ProtocolHandler.priorKnowledge,
                                       http2Upgrade: HTTP2ProtocolHandler.upgrade)
}
