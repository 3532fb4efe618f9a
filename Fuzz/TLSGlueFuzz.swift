// libFuzzer target for the first-bytes sniffing and the TLS-to-HTTP glue. Compiled into the
// HTTPServer module itself (Fuzz/run.sh), so it reaches `ProtocolSniffer`,
// `TLSConnectionLayer` and `HTTP1Session` behind a fake socket transport.
//
// The first input byte picks a mode; the rest is the payload:
// - 0: the payload is what a client sends on a fresh connection, split at input-derived
//   points: a first byte of 0x16 goes to the TLS layer, anything else to HTTP/1.1;
// - 1: an in-process OpenSSL client completes a real handshake, then sends the payload as
//   application data (so the parser gets fuzzed plaintext through TLS) and reads the answers;
// - 2: after a real handshake the payload arrives as raw bytes in place of TLS records.
//
// Oracle, beyond "no crash, no leak, no hang": whatever the TLS layer sends is a sequence of
// whole TLS records (content type 20 to 23, version 3.x, at most 2^14 + 256 bytes each) and
// never cleartext HTTP; a failed handshake ends the connection; in mode 1 the client decrypts
// everything the server sent and every answer is an HTTP/1.1 response.
import COpenSSL
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// The socket side, in memory: collects what the layer sends and how it ends the connection.
private final class MemoryTransport: ConnectionTransport, @unchecked Sendable {
    let context: ServerContext
    let scratch = ConnectionScratch()
    var sent: [UInt8] = []
    var ended = false
    var isOpen: Bool { !ended }
    var isStopping: Bool { false }
    var remoteAddress: String { "127.0.0.1:1" }
    var outboundBytes: Int { 0 }
    var isOnQueue: Bool { true }

    init(context: ServerContext) { self.context = context }

    func send(_ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) {
        guard !ended else { return }
        sent.append(contentsOf: head)
        sent.append(contentsOf: body)
    }
    func setReading(_ wanted: Bool) {}
    func finish(linger: Bool) { ended = true }
    func close(reset: Bool) { ended = true }
    func execute(_ work: @escaping @Sendable () -> Void) { work() }
    func switchProtocol(to handler: any ConnectionProtocolHandler, replaying: [UInt8]) {
        replaying.withUnsafeBytes { handler.receive($0) }
    }
}

private struct EchoHandler: HTTPHandler {
    /// Requests must (or must not) carry the TLS layer's stamp.
    let overTLS: Bool

    func handle(_ request: HTTPRequest) -> HTTPHandling {
        if (request.tls != nil) != overTLS { fatalError("TLS stamp \(String(describing: request.tls)) on a request, over TLS: \(overTLS)") }
        return .reply(.response(HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Array(request.target.utf8))))
    }
}

private let serverTLS: TLSServerContext = {
    let authority = try! CertificateAuthority.generate()
    return try! TLSServerContext(identity: try! authority.issueServerIdentity(for: SubjectAlternativeName.defaults), applicationProtocols: [.http1])
}()

/// With TLS: its handler is what the TLS layer's stamping contexts wrap.
private let serverContext = makeContext(tls: serverTLS, overTLS: true)
/// The cleartext path's.
private let cleartextContext = makeContext(tls: nil, overTLS: false)

private func makeContext(tls: TLSServerContext?, overTLS: Bool) -> ServerContext {
    var configuration = HTTPServerConfiguration(port: 0, maxBodyBytes: 4096)
    configuration.tls = tls.map { TLSContextProvider(ready: $0) }
    return ServerContext(configuration: configuration, handler: EchoHandler(overTLS: overTLS),
                         errorResponder: { HTTPResponse(status: $0.status, body: Array($0.message.utf8)) }, tracker: ConnectionTracker())
}

/// `nonisolated(unsafe)`: set once, then only passed to `SSL_new`, which OpenSSL allows from
/// any thread for a configured `SSL_CTX`; libFuzzer runs the inputs on one thread anyway.
nonisolated(unsafe) private let clientContext: OpaquePointer = {
    let ctx = SSL_CTX_new(TLS_client_method())!
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
    return ctx
}()

/// Whole TLS records only (RFC 8446 §5.1), ending exactly at the end of `bytes`.
private func checkRecords(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        guard bytes.count - offset >= 5 else { fatalError("a partial TLS record header was sent") }
        let type = bytes[offset], major = bytes[offset + 1]
        let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
        if !(20...23).contains(type) || major != 3 { fatalError("sent bytes that are not a TLS record: type \(type) version \(major)") }
        if length > 16384 + 256 { fatalError("TLS record of \(length) bytes") }
        offset += 5 + length
        if offset > bytes.count { fatalError("a TLS record was cut short") }
    }
}

/// Feeds `payload` to `handler` in up to three pieces at input-derived points.
private func feedSplit(_ payload: [UInt8], to handler: any ConnectionProtocolHandler, seed: UInt8) {
    let cut1 = payload.isEmpty ? 0 : Int(seed) % (payload.count + 1)
    let cut2 = cut1 + (payload.count - cut1) / 2
    for range in [0..<cut1, cut1..<cut2, cut2..<payload.count] where !range.isEmpty {
        payload[range].withUnsafeBytes { handler.receive($0) }
    }
}

private final class Client {
    let ssl: OpaquePointer
    let inbound: OpaquePointer
    let outbound: OpaquePointer
    init() {
        ssl = SSL_new(clientContext)!
        inbound = BIO_new(BIO_s_mem())!
        outbound = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, inbound, outbound)
        SSL_set_connect_state(ssl)
    }
    deinit { SSL_free(ssl) }

    func take() -> [UInt8] {
        let count = Int(BIO_ctrl_pending(outbound))
        var bytes = [UInt8](repeating: 0, count: count)
        if count > 0 { _ = BIO_read(outbound, &bytes, Int32(count)) }
        return bytes
    }

    func give(_ bytes: [UInt8]) {
        if !bytes.isEmpty { _ = BIO_write(inbound, bytes, Int32(bytes.count)) }
    }

    /// Runs the handshake against `layer`; true when both sides finished it.
    func handshake(with layer: TLSConnectionLayer, transport: MemoryTransport) -> Bool {
        for _ in 0..<8 {
            if SSL_do_handshake(ssl) == 1 { break }
            let hello = take()
            if hello.isEmpty { break }
            hello.withUnsafeBytes { layer.receive($0) }
            give(transport.sent)
            transport.sent.removeAll()
        }
        let finished = take()
        finished.withUnsafeBytes { layer.receive($0) }
        give(transport.sent)
        transport.sent.removeAll()
        return SSL_is_init_finished(ssl) == 1 && !transport.ended
    }

    func readAll() -> [UInt8] {
        var plaintext: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            if n > 0 { plaintext.append(contentsOf: buffer[0..<Int(n)]); continue }
            let error = SSL_get_error(ssl, n)
            if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_ZERO_RETURN {
                fatalError("the client could not decrypt what the server sent (SSL error \(error))")
            }
            return plaintext
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = input[0] % 3
    let seed = input[1]
    let payload = Array(input[2...])
    let transport = MemoryTransport(context: serverContext)
    ERR_clear_error()

    switch mode {
    case 0:
        guard let first = payload.first else { return 0 }
        var sniffed = payload.withUnsafeBytes { ProtocolSniffer.classify($0) }
        if sniffed == .undecided { sniffed = .http1 }
        if (sniffed == .tls) != (first == 0x16) { fatalError("sniffer and first byte disagree on TLS") }
        if first == 0x16 {
            guard let layer = TLSConnectionLayer(outer: transport, support: serverContext.tls!, openedAt: 0) else { return 0 }
            feedSplit(payload, to: layer, seed: seed)
            checkRecords(transport.sent)
            if transport.sent.starts(with: Array("HTTP/".utf8)) { fatalError("cleartext HTTP on a TLS connection") }
            layer.connectionDidClose()
        } else {
            let session = HTTP1Session(transport: MemoryTransport(context: cleartextContext), openedAt: 0)
            feedSplit(payload, to: session, seed: seed)
            session.connectionDidClose()
        }
    case 1:
        guard let layer = TLSConnectionLayer(outer: transport, support: serverContext.tls!, openedAt: 0) else { return 0 }
        let client = Client()
        guard client.handshake(with: layer, transport: transport) else { fatalError("an in-process handshake failed") }
        // The payload as application data, in pieces.
        let cut = payload.isEmpty ? 0 : Int(seed) % (payload.count + 1)
        for piece in [payload[..<cut], payload[cut...]] where !piece.isEmpty {
            _ = piece.withUnsafeBytes { SSL_write(client.ssl, $0.baseAddress, Int32($0.count)) }
            client.take().withUnsafeBytes { layer.receive($0) }
        }
        checkRecords(transport.sent)
        client.give(transport.sent)
        let answers = client.readAll()
        if !answers.isEmpty, !answers.starts(with: Array("HTTP/1.1 ".utf8)) { fatalError("an answer over TLS is not HTTP/1.1") }
        layer.connectionDidClose()
    default:
        guard let layer = TLSConnectionLayer(outer: transport, support: serverContext.tls!, openedAt: 0) else { return 0 }
        let client = Client()
        guard client.handshake(with: layer, transport: transport) else { fatalError("an in-process handshake failed") }
        feedSplit(payload, to: layer, seed: seed)
        checkRecords(transport.sent)
        layer.connectionDidClose()
    }
    ERR_clear_error()
    return 0
}
