import CNGHTTP2
import Dispatch
@testable import HTTPServer

/// An in-process HTTP/2 client (an nghttp2 client session) wired straight to an
/// `HTTP2Session`: `pump()` moves bytes both ways until neither side has more.
/// Everything runs on `queue`, the session's stand-in for its connection queue.
final class H2TestClient: @unchecked Sendable {
    // @unchecked: used only from inside `queue.sync` blocks of the tests.
    struct Response {
        var status: Int?
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        /// RST_STREAM or close error code; nil while the stream is open.
        var closedWith: UInt32?
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
    }

    let queue = DispatchQueue(label: "h2-test-connection")
    private(set) var client: OpaquePointer!
    private(set) var server: HTTP2Session!
    private(set) var responses: [Int32: Response] = [:]
    private(set) var goawayCode: UInt32?
    private var uploads: [Int32: (bytes: [UInt8], offset: Int)] = [:]
    /// Bytes to hand the server instead of the client's own (raw-frame tests).
    var serverBytesSent = 0
    let lateOutput = DispatchSemaphore(value: 0)

    init(configuration: HTTP2Session.Configuration, sendPreface: Bool = true) {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            let me = H2TestClient.from(user)
            let n = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let v = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            let id = frame!.pointee.hd.stream_id
            if n == ":status" { me.responses[id, default: Response()].status = Int(v) } else { me.responses[id, default: Response()].headers.append((n, v)) }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, id, data, length, user in
            H2TestClient.from(user).responses[id, default: Response()].body.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, id, code, user in
            H2TestClient.from(user).responses[id, default: Response()].closedWith = code
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            if frame!.pointee.hd.type == UInt8(NGHTTP2_GOAWAY.rawValue) {
                H2TestClient.from(user).goawayCode = frame!.pointee.goaway.error_code
            }
            return 0
        }
        var created: OpaquePointer?
        nghttp2_session_client_new(&created, callbacks, Unmanaged.passUnretained(self).toOpaque())
        client = created
        if sendPreface {
            nghttp2_submit_settings(client, 0, nil, 0)
        }
        let queue = self.queue
        let semaphore = lateOutput
        server = HTTP2Session(configuration: configuration, remoteAddress: "[::1]:1234", schedule: { work in queue.async(execute: work) })
        server.outputAvailable = { semaphore.signal() }
    }

    deinit { nghttp2_session_del(client) }

    static func from(_ user: UnsafeMutableRawPointer?) -> H2TestClient {
        Unmanaged<H2TestClient>.fromOpaque(user!).takeUnretainedValue()
    }

    /// Submits a request and returns its stream id.
    @discardableResult
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) -> Int32 {
        var fields: [(String, String)] = [(":method", method), (":path", path), (":scheme", "http"), (":authority", "mock.test")] + headers
        let names = fields.map { Array($0.0.utf8) }, values = fields.map { Array($0.1.utf8) }
        fields.removeAll()
        var storage: [[UInt8]] = []
        for i in names.indices { storage.append(names[i]); storage.append(values[i]) }
        let pointers = storage.map { bytes -> UnsafeMutablePointer<UInt8> in
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            p.initialize(from: bytes, count: bytes.count)
            return p
        }
        defer { pointers.forEach { $0.deallocate() } }
        var nva = names.indices.map { i in
            nghttp2_nv(name: pointers[2 * i], value: pointers[2 * i + 1], namelen: names[i].count, valuelen: values[i].count, flags: 0)
        }
        guard let body else { return nghttp2_submit_request(client, nil, &nva, nva.count, nil, nil) }
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: { _, id, buffer, length, flags, _, user in
            let me = H2TestClient.from(user)
            guard let upload = me.uploads[id] else { flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue; return 0 }
            let count = min(length, upload.bytes.count - upload.offset)
            upload.bytes.withUnsafeBufferPointer { buffer!.update(from: $0.baseAddress! + upload.offset, count: count) }
            me.uploads[id]!.offset += count
            if upload.offset + count == upload.bytes.count { flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
            return count
        })
        let id = nghttp2_submit_request(client, nil, &nva, nva.count, &provider, nil)
        uploads[id] = (body, 0)
        return id
    }

    /// Feeds raw bytes to the server as if the client had sent them.
    func sendRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { server.receive($0) }
    }

    /// Moves bytes both ways until both sides are quiet; returns the server's bytes.
    @discardableResult
    func pump(serverLimit: Int = 1 << 20) -> Int {
        var fromServer = 0
        while true {
            var moved = false
            var data: UnsafePointer<UInt8>?
            while true {
                let count = nghttp2_session_mem_send(client, &data)
                guard count > 0 else { break }
                server.receive(UnsafeRawBufferPointer(start: data, count: count))
                moved = true
            }
            var out: [UInt8] = []
            server.produceOutput(into: &out, limit: serverLimit)
            if !out.isEmpty {
                fromServer += out.count
                moved = true
                out.withUnsafeBufferPointer { _ = nghttp2_session_mem_recv(client, $0.baseAddress, $0.count) }
            }
            if !moved { return fromServer }
        }
    }

    /// The server's pending output, not given to the client.
    func serverOutput(limit: Int = 1 << 20) -> [UInt8] {
        var out: [UInt8] = []
        server.produceOutput(into: &out, limit: limit)
        return out
    }

    func response(_ id: Int32) -> Response { responses[id] ?? Response() }
}
