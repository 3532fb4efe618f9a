import ASCIIBytes
import CNGHTTP2
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP/2 side of one connection: a memory-based nghttp2 server session that
/// turns received bytes into `HTTPRequest`s for the same `HTTPHandler` HTTP/1.1 uses,
/// and the handler's replies into frames the transport pulls with `produceOutput`.
///
/// It does no I/O and owns no descriptor: the connection feeds `receive`, writes what
/// `produceOutput` gives (only while its socket drains, which is what bounds output),
/// asks `isFinished` to know when to close and calls `checkTimeouts` from its timer.
///
/// `@unchecked Sendable` because the handler's reply closure must carry the session
/// back to its connection: every method runs on that connection's serial queue, and a
/// reply from another thread only reaches the session through `schedule`, which hops
/// onto that queue first, so no state is ever touched from two threads.
final class HTTP2Session: @unchecked Sendable {
    /// What the session needs from its server, fixed when the connection starts.
    struct Configuration: Sendable {
        var handler: any HTTPHandler
        var errorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse
        /// A request's header list: most fields (pseudo-header fields not counted)...
        var maxHeaderCount: Int
        /// ...and most bytes, counted as the HTTP/1.1 field lines they stand for.
        var maxHeaderBytes: Int
        var maxBodyBytes: Int
        /// Nanoseconds without request traffic before an idle connection is closed,
        /// and, before its first request, the shorter header timeout.
        var idleTimeout: UInt64
        var headerTimeout: UInt64

        /// Concurrent streams a client may open (SETTINGS_MAX_CONCURRENT_STREAMS).
        static let maxConcurrentStreams: UInt32 = 100
        /// Each stream's receive window (SETTINGS_INITIAL_WINDOW_SIZE, RFC 9113's default)...
        static let initialWindowSize: UInt32 = 65_535
        /// ...and the connection's, raised so parallel uploads are not throttled.
        static let connectionWindowSize: Int32 = 1 << 20

        /// Request bodies held at once by one connection's unfinished streams, as a
        /// multiple of `maxBodyBytes`: a stream that would pass it is answered 413.
        static let bufferedBodyFactor = 8
    }

    private var session: OpaquePointer?
    private let configuration: Configuration
    private let remoteAddress: String
    private let schedule: @Sendable (@escaping @Sendable () -> Void) -> Void
    /// Called on the queue when a reply that came later than `handle` put frames in
    /// the session, so the connection calls `produceOutput` again.
    var outputAvailable: (() -> Void)?

    private var streams: [Int32: HTTP2Stream] = [:]
    private var bufferedBodyBytes = 0
    /// Requests the handler has and has not replied to: never timed out meanwhile.
    private var handlersRunning = 0
    private var dateCache = HTTPDateCache()
    /// A fatal protocol error: the session says GOAWAY (if it can) and ends.
    private(set) var failed = false
    private var shuttingDown = false
    private var lastActivity: UInt64
    private var answeredAny = false

    /// Creates the session and queues its SETTINGS; nil only when nghttp2 cannot
    /// allocate.
    init?(configuration: Configuration, remoteAddress: String, schedule: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.configuration = configuration
        self.remoteAddress = remoteAddress
        self.schedule = schedule
        self.lastActivity = monotonicNow()

        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { return nil }
        defer { nghttp2_session_callbacks_del(callbacks) }
        HTTP2Session.install(callbacks)

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { return nil }
        defer { nghttp2_option_del(option) }
        // Flood guards Debian backports into its 1.52 (the version macro cannot tell):
        // Rapid Reset (CVE-2023-44487), CONTINUATION flood (CVE-2024-28182), PING and
        // SETTINGS-ACK floods, oversized SETTINGS (CVE-2020-11080). Library defaults,
        // set here so they are on even where a build changes them.
        nghttp2_option_set_stream_reset_rate_limit(option, 1000, 33)
        nghttp2_option_set_max_continuations(option, 8)
        nghttp2_option_set_max_outbound_ack(option, 1000)
        nghttp2_option_set_max_settings(option, 32)

        var created: OpaquePointer?
        let user = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_server_new2(&created, callbacks, user, option) == 0, let created else { return nil }
        session = created

        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: Configuration.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: Configuration.initialWindowSize),
            // Advisory (RFC 9113 §6.5.2): the limit enforced in `onHeader`.
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: UInt32(clamping: configuration.maxHeaderBytes)),
            // No SETTINGS_NO_RFC7540_PRIORITIES: with the priority tree nghttp2 keeps recently
            // closed streams, which is how it answers DATA on one with STREAM_CLOSED (RFC 9113 §5.1).
        ]
        nghttp2_submit_settings(created, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(created, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Configuration.connectionWindowSize)
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    // MARK: - Feeding and draining

    /// Passes received bytes (starting with the client preface) to the session. After
    /// a fatal error `failed` is set and the session has queued its GOAWAY.
    func receive(_ bytes: UnsafeRawBufferPointer) {
        guard let session, !failed, !bytes.isEmpty else { return }
        let consumed = nghttp2_session_mem_recv(session, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes.count)
        if consumed < 0 { fail(Int32(consumed)) }
    }

    /// Appends frames to `out` until it holds `limit` bytes or the session has nothing
    /// more to send now. The caller stops calling while its socket does not drain, so
    /// nghttp2 holds the rest (and, flow control aside, produces no DATA meanwhile).
    func produceOutput(into out: inout [UInt8], limit: Int) {
        guard let session else { return }
        while out.count < limit {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            if count < 0 {
                fail(Int32(count))
                return
            }
            guard count > 0, let data else { return }
            out.append(contentsOf: UnsafeBufferPointer(start: data, count: count))
        }
    }

    /// Whether more input is wanted (false after GOAWAY with every stream done).
    var wantsInput: Bool {
        guard let session, !failed else { return false }
        return nghttp2_session_want_read(session) != 0
    }

    /// Nothing more to read and nothing more to write: the connection can close.
    var isFinished: Bool {
        guard let session else { return true }
        return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    /// Graceful stop (SIGTERM): GOAWAY naming the last stream taken; the streams up to
    /// it still get their answers, then `isFinished` turns true.
    func beginShutdown() {
        guard let session, !shuttingDown else { return }
        shuttingDown = true
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
                              NGHTTP2_NO_ERROR.rawValue, nil, 0)
    }

    /// For the transport's timeouts: whether the handler has a request (never timed
    /// out), and since when the connection has seen no request traffic either way.
    var idleState: (handling: Bool, since: UInt64, answeredAny: Bool) {
        (handlersRunning > 0, lastActivity, answeredAny)
    }

    /// Whether the connection has been without request traffic for too long (PINGs
    /// and SETTINGS do not count); if so, queues GOAWAY(NO_ERROR). A request with the
    /// handler is never timed out; a response stuck behind a window the client never
    /// opens is.
    func checkTimeouts(now: UInt64) -> Bool {
        checkTimeouts(now: now, idle: configuration.idleTimeout, header: configuration.headerTimeout)
    }

    func checkTimeouts(now: UInt64, idle: UInt64, header: UInt64) -> Bool {
        guard handlersRunning == 0 else { return false }
        let limit = answeredAny ? idle : min(idle, header)
        guard now &- lastActivity >= limit else { return false }
        if let session, !failed {
            // RFC 9113 §6.8: say why before closing.
            nghttp2_session_terminate_session(session, NGHTTP2_NO_ERROR.rawValue)
        }
        return true
    }

    private func fail(_ error: Int32) {
        failed = true
        // Most fatal errors queue their GOAWAY already; this covers the rest (a bad
        // client preface among them) and is ignored when one is queued.
        if let session {
            // Floods (PING/SETTINGS ACKs, CONTINUATION) are abuse, not broken framing.
            let calm = error == NGHTTP2_ERR_FLOODED.rawValue || error == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS.rawValue
            let code = calm ? NGHTTP2_ENHANCE_YOUR_CALM : NGHTTP2_PROTOCOL_ERROR
            nghttp2_session_terminate_session(session, code.rawValue)
        }
    }

    // MARK: - h2c Upgrade

    /// Continues an HTTP/1.1 request that asked for `Upgrade: h2c` (RFC 7540 §3.2):
    /// the decoded `HTTP2-Settings` payload counts as the client's SETTINGS and the
    /// request becomes stream 1, answered over HTTP/2. False when the payload is
    /// malformed (the caller answers over HTTP/1.1 instead).
    func upgrade(from request: HTTPRequest, settingsPayload: [UInt8]) -> Bool {
        guard let session else { return false }
        let isHead: Int32 = request.method == "HEAD" ? 1 : 0
        let status = settingsPayload.withUnsafeBufferPointer {
            nghttp2_session_upgrade2(session, $0.baseAddress, $0.count, isHead, nil)
        }
        guard status == 0 else { return false }
        let stream = HTTP2Stream(id: 1)
        stream.method = request.method
        stream.path = request.target
        streams[1] = stream
        lastActivity = monotonicNow()
        var upgraded = request
        upgraded.version = .http2
        dispatch(upgraded, on: stream)
        return true
    }

    // MARK: - Requests

    private func beginHeaders(_ frame: UnsafePointer<nghttp2_frame>) {
        guard frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue) else { return }
        let id = frame.pointee.hd.stream_id
        switch frame.pointee.headers.cat {
        case NGHTTP2_HCAT_REQUEST:
            streams[id] = HTTP2Stream(id: id)
        case NGHTTP2_HCAT_HEADERS:
            streams[id]?.receivingTrailers = true
        default:
            break
        }
    }

    /// One decoded field. Past the limits fields are counted and dropped, so memory
    /// stays bounded and the request is answered 431 once its header block ends.
    private func header(_ frame: UnsafePointer<nghttp2_frame>, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[frame.pointee.hd.stream_id] else { return }
        let isPseudo = name.first == UInt8(ascii: ":")
        if !isPseudo { stream.fieldCount += 1 }
        // As the HTTP/1.1 field line "name: value\r\n" it stands for.
        stream.fieldBytes += name.count + value.count + 4
        if stream.fieldCount > configuration.maxHeaderCount {
            if stream.rejection == nil { stream.rejection = .tooManyHeaderFields }
            return
        }
        if stream.fieldBytes > configuration.maxHeaderBytes {
            if stream.rejection == nil { stream.rejection = .headerSectionTooLarge }
            return
        }
        if stream.receivingTrailers || stream.rejection != nil { return }
        if isPseudo {
            // nghttp2 has checked the pseudo-header fields (RFC 9113 §8.3) already.
            let valueText = String(decoding: value, as: UTF8.self)
            switch String(decoding: name, as: UTF8.self) {
            case ":method": stream.method = valueText
            case ":path": stream.path = valueText
            case ":authority": stream.authority = valueText
            default: break
            }
            return
        }
        // Kept as bytes, like HTTP/1.1's fields; nghttp2 has refused names with uppercase letters.
        if name.elementsEqual("content-length".utf8) { stream.declaredLength = Int(String(decoding: value, as: UTF8.self)) }
        stream.headers.add(name: name, value: value)
    }

    private func dataChunk(streamID: Int32, _ chunk: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID], !stream.dispatched, stream.rejection == nil else { return }
        if stream.body.count + chunk.count > configuration.maxBodyBytes
            || bufferedBodyBytes + chunk.count > configuration.maxBodyBytes * Configuration.bufferedBodyFactor {
            reject(stream, .bodyTooLarge)
            return
        }
        stream.body.append(contentsOf: chunk)
        bufferedBodyBytes += chunk.count
    }

    private func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
        let type = frame.pointee.hd.type
        guard type == UInt8(NGHTTP2_HEADERS.rawValue) || type == UInt8(NGHTTP2_DATA.rawValue) else { return }
        lastActivity = monotonicNow()
        // The request is complete only at END_STREAM; it may come after the stream
        // was reset and closed, hence the lookup.
        guard let stream = streams[frame.pointee.hd.stream_id], !stream.dispatched else { return }
        let endStream = frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        if let rejection = stream.rejection {
            // Answer at the end of the header block; nghttp2 then ends the client's
            // half with RST_STREAM(NO_ERROR) (RFC 9113 §8.1) if it is still sending.
            reject(stream, rejection)
            return
        }
        if let declared = stream.declaredLength, declared > configuration.maxBodyBytes {
            // Decided from Content-Length before the body is read, as over HTTP/1.1.
            reject(stream, .bodyTooLarge)
            return
        }
        guard endStream else { return }
        guard let method = stream.method else { return }
        var headers = stream.headers
        if !headers.contains("host"), let authority = stream.authority {
            // RFC 9113 §8.3.1: :authority stands in for Host; the handler sees both forms alike.
            headers = HTTPHeaders([("host", authority)])
            headers.add(contentsOf: stream.headers)
        }
        let request = HTTPRequest(method: method, target: stream.path ?? stream.authority ?? "/", version: .http2,
                                  headers: headers, body: stream.body, remoteAddress: remoteAddress)
        bufferedBodyBytes -= stream.body.count
        stream.body = []
        dispatch(request, on: stream)
    }

    private func reject(_ stream: HTTP2Stream, _ error: HTTPProtocolError) {
        stream.rejection = error
        bufferedBodyBytes -= stream.body.count
        stream.body = []
        stream.dispatched = true
        submit(configuration.errorResponder(error), on: stream)
    }

    private func dispatch(_ request: HTTPRequest, on stream: HTTP2Stream) {
        stream.dispatched = true
        handlersRunning += 1
        let id = stream.id
        switch configuration.handler.handle(request) {
        case .reply(let reply):
            complete(id, reply)
        case .later(let answer):
            let slot = HTTP2ReplySlot()
            answer { [weak self] reply in
                // Weak: a late reply must not keep a closed connection alive.
                guard let self else { return }
                // A reply inside `answer` is applied right after it returns (no hop, no
                // re-entrance into nghttp2 from a callback); a later one hops to the queue.
                if slot.keepIfSynchronous(reply) { return }
                schedule { [self] in
                    complete(id, reply)
                    outputAvailable?()
                }
            }
            if let reply = slot.endSynchronousPhase() { complete(id, reply) }
        }
    }

    private func complete(_ id: Int32, _ reply: HTTPReply) {
        handlersRunning -= 1
        answeredAny = true
        lastActivity = monotonicNow()
        // The client may have reset the stream meanwhile.
        guard let session, let stream = streams[id], !stream.responseSubmitted else { return }
        switch reply {
        case .resetConnection:
            // A reset fault ends this stream only: the connection's other streams
            // (other requests of the same client) are not the fault's target.
            stream.responseSubmitted = true
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_INTERNAL_ERROR.rawValue)
        case .response(let response):
            submit(response, on: stream)
        }
    }

    // MARK: - Responses

    /// Fields HTTP/2 forbids (RFC 9113 §8.2.2) or the session decides itself.
    private static func isOwnedBySession(_ name: String) -> Bool {
        switch name {
        case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length": return true
        default: return false
        }
    }

    private func submit(_ response: HTTPResponse, on stream: HTTP2Stream) {
        guard let session, !stream.responseSubmitted else { return }
        stream.responseSubmitted = true
        let forbidsContent = response.forbidsContent
        // RFC 9110 §9.3.2: HEAD gets the GET's fields, no content.
        let body = (forbidsContent || stream.method == "HEAD") ? [] : response.body

        var fields: [(name: [UInt8], value: [UInt8])] = [(Array(":status".utf8), Array(String(response.status).utf8))]
        var handlerSetDate = false
        for (name, value) in response.headers {
            // RFC 9113 §8.2: field names are lowercase on HTTP/2.
            let loweredBytes = name.utf8.map(ASCII.lowercased)
            let lowered = String(decoding: loweredBytes, as: UTF8.self)
            if HTTP2Session.isOwnedBySession(lowered) { continue }
            // No CR, LF or NUL in a field (RFC 9113 §8.2.1); nghttp2 would refuse the frame.
            if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { continue }
            if lowered == "date" { handlerSetDate = true }
            fields.append((loweredBytes, Array(value.utf8)))
        }
        if !forbidsContent { fields.append((Array("content-length".utf8), Array(String(response.body.count).utf8))) }
        if !handlerSetDate { fields.append((Array("date".utf8), dateCache.current())) }

        stream.responseBody = body
        stream.responseOffset = 0
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: { _, streamID, buffer, length, flags, _, user in
            HTTP2Session.from(user).readBody(streamID, buffer, length, flags)
        })
        let status = withNameValues(fields) { nva in
            if body.isEmpty { return nghttp2_submit_response(session, stream.id, nva.baseAddress, nva.count, nil) }
            return nghttp2_submit_response(session, stream.id, nva.baseAddress, nva.count, &provider)
        }
        if status != 0 {
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, NGHTTP2_INTERNAL_ERROR.rawValue)
        }
    }

    private func readBody(_ id: Int32, _ buffer: UnsafeMutablePointer<UInt8>?, _ length: Int, _ flags: UnsafeMutablePointer<UInt32>?) -> Int {
        guard let stream = streams[id], let buffer else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let count = min(length, stream.responseBody.count - stream.responseOffset)
        stream.responseBody.withUnsafeBufferPointer { source in
            buffer.update(from: source.baseAddress! + stream.responseOffset, count: count)
        }
        stream.responseOffset += count
        if stream.responseOffset == stream.responseBody.count {
            flags?.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            stream.responseBody = []
            stream.responseOffset = 0
        }
        return count
    }

    private func streamClosed(_ id: Int32) {
        guard let stream = streams.removeValue(forKey: id) else { return }
        bufferedBodyBytes -= stream.body.count
    }

    private func frameSent(_ frame: UnsafePointer<nghttp2_frame>) {
        let type = frame.pointee.hd.type
        if type == UInt8(NGHTTP2_HEADERS.rawValue) || type == UInt8(NGHTTP2_DATA.rawValue) { lastActivity = monotonicNow() }
    }
}

// MARK: - nghttp2 callbacks

extension HTTP2Session {
    fileprivate static func from(_ user: UnsafeMutableRawPointer?) -> HTTP2Session {
        Unmanaged<HTTP2Session>.fromOpaque(user!).takeUnretainedValue()
    }

    /// The callbacks are plain C functions: the session comes back as `user_data`
    /// (unretained: nghttp2 only calls them from inside the session's own methods).
    fileprivate static func install(_ callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
            if let frame { HTTP2Session.from(user).beginHeaders(frame) }
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            if let frame {
                HTTP2Session.from(user).header(frame, name: UnsafeBufferPointer(start: name, count: nameLength),
                                               value: UnsafeBufferPointer(start: value, count: valueLength))
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            HTTP2Session.from(user).dataChunk(streamID: streamID, UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            if let frame { HTTP2Session.from(user).frameReceived(frame) }
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, user in
            if let frame { HTTP2Session.from(user).frameSent(frame) }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, user in
            HTTP2Session.from(user).streamClosed(streamID)
            return 0
        }
    }
}

/// Builds nghttp2's name/value array over one contiguous copy of the fields (nghttp2
/// copies them during the call).
private func withNameValues<R>(_ fields: [(name: [UInt8], value: [UInt8])], _ body: (UnsafeBufferPointer<nghttp2_nv>) -> R) -> R {
    var storage: [UInt8] = []
    storage.reserveCapacity(fields.reduce(0) { $0 + $1.name.count + $1.value.count })
    for field in fields {
        storage.append(contentsOf: field.name)
        storage.append(contentsOf: field.value)
    }
    return storage.withUnsafeMutableBufferPointer { bytes in
        var nva: [nghttp2_nv] = []
        nva.reserveCapacity(fields.count)
        var offset = 0
        for field in fields {
            let name = bytes.baseAddress! + offset
            let value = name + field.name.count
            offset += field.name.count + field.value.count
            nva.append(nghttp2_nv(name: name, value: value, namelen: field.name.count, valuelen: field.value.count,
                                  flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
        }
        return nva.withUnsafeBufferPointer(body)
    }
}

/// Where a reply given during `handle` waits until `handle` returns; a reply given
/// later (a delay fault) finds the phase over and takes the hop instead.
final class HTTP2ReplySlot: Sendable {
    private struct State {
        var synchronous = true
        var reply: HTTPReply?
    }
    private let state = Mutex(State())

    /// True when kept for `endSynchronousPhase`.
    func keepIfSynchronous(_ reply: HTTPReply) -> Bool {
        state.withLock { state in
            guard state.synchronous else { return false }
            if state.reply == nil { state.reply = reply }
            return true
        }
    }

    func endSynchronousPhase() -> HTTPReply? {
        state.withLock { state in
            state.synchronous = false
            return state.reply
        }
    }
}
