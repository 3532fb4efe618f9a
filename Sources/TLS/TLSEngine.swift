import COpenSSL

/// One server-side TLS connection over two memory BIOs: the transport hands it ciphertext from
/// the socket and gets plaintext for the protocol; the protocol hands it plaintext and the
/// transport sends the ciphertext. It never touches a socket, so it runs on whatever serial
/// queue owns the connection (it is not Sendable: one owner, one queue).
///
/// Failures never trap: a fatal error leaves the alert OpenSSL wrote (e.g. `protocol_version`
/// to a TLS 1.0 client) in `pendingCiphertext`, for the transport to send before it closes.
public final class TLSEngine {
    public enum State: Equatable, Sendable {
        case handshaking
        case established
        /// Our close_notify is queued: nothing more is sent or read.
        case closed
        /// A fatal error; only the alert (if any) remains to be sent.
        case failed
    }

    /// What one `receive` did, beyond the plaintext it delivered.
    public enum ReceiveResult: Equatable, Sendable {
        /// Everything given was consumed; more input is needed for anything else.
        case needMoreInput
        /// The handshake finished in this call: `applicationProtocol` is known. Plaintext that
        /// arrived with the client's Finished was delivered already.
        case handshakeCompleted
        /// The peer sent close_notify (after any plaintext delivered).
        case closedByPeer
        /// Fatal: send `pendingCiphertext` (the alert), then close.
        case failed(reason: String)
    }

    private let ssl: OpaquePointer
    /// Ciphertext from the socket; owned by `ssl`.
    private let inbound: OpaquePointer
    /// Ciphertext for the socket; owned by `ssl`.
    private let outbound: OpaquePointer
    /// Keeps the context (and its ALPN list) alive as long as `ssl` refers to it.
    private let context: TLSServerContext

    public private(set) var state = State.handshaking
    /// The protocol ALPN chose; HTTP/1.1 when the client offered none. Set with the handshake.
    public private(set) var applicationProtocol: ApplicationProtocol?
    /// The ALPN identifier as negotiated ("h2", "http/1.1"), nil when the client sent no ALPN.
    public private(set) var negotiatedALPN: String?
    /// "TLSv1.3" or "TLSv1.2", once established.
    public private(set) var protocolVersion: String?
    /// The peer sent close_notify: it sends nothing more, but answers to what it sent may
    /// still go out (RFC 8446 §6.1 lets each side close its own direction).
    public private(set) var peerClosed = false

    /// Largest plaintext record (RFC 8446 §5.1): one SSL_read never returns more.
    static let maxRecordPlaintext = 16384

    public init(context: TLSServerContext) throws(TLSError) {
        OpenSSLErrorQueue.clear()
        guard let ssl = SSL_new(context.pointer) else { throw TLSError.fromQueue("cannot create a TLS connection") }
        guard let inbound = BIO_new(BIO_s_mem()), let outbound = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError.fromQueue("out of memory")
        }
        // SSL_set_bio hands both BIOs to ssl (freed with it). An empty memory BIO reads as
        // "retry later" (its default EOF return of -1), which SSL_get_error reports as WANT_READ.
        SSL_set_bio(ssl, inbound, outbound)
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.inbound = inbound
        self.outbound = outbound
        self.context = context
    }

    deinit { SSL_free(ssl) }

    public var isEstablished: Bool { state == .established }

    /// Ciphertext waiting for the socket (handshake messages, records, alerts).
    public var pendingCiphertextCount: Int { Int(BIO_ctrl_pending(outbound)) }

    /// Takes the ciphertext waiting for the socket, appending it to `bytes`.
    public func takeCiphertext(into bytes: inout [UInt8]) {
        let count = pendingCiphertextCount
        guard count > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        let read = bytes.withUnsafeMutableBytes { raw in
            BIO_read(outbound, raw.baseAddress! + start, Int32(count))
        }
        bytes.removeLast(count - max(0, Int(read)))
    }

    /// Hands the ciphertext waiting for the socket to `sink` in pieces of at most 64 KiB
    /// (each valid only during the call), emptying the queue.
    public func drainCiphertext(_ sink: (UnsafeRawBufferPointer) -> Void) {
        var pending = pendingCiphertextCount
        guard pending > 0 else { return }
        withUnsafeTemporaryAllocation(byteCount: min(pending, 1 << 16), alignment: 16) { buffer in
            while pending > 0 {
                let read = BIO_read(outbound, buffer.baseAddress, Int32(buffer.count))
                guard read > 0 else { return }
                sink(UnsafeRawBufferPointer(rebasing: buffer[0..<Int(read)]))
                pending = pendingCiphertextCount
            }
        }
    }

    /// The ciphertext waiting for the socket, as one chunk (empty when there is none).
    public func takeCiphertext() -> [UInt8] {
        var bytes: [UInt8] = []
        takeCiphertext(into: &bytes)
        return bytes
    }

    /// Feeds ciphertext read from the socket; calls `deliver` with each run of application
    /// data decrypted (the buffer is valid only during the call). All input is consumed: TLS
    /// keeps a partial record itself until the rest arrives.
    public func receive(_ ciphertext: UnsafeRawBufferPointer, deliver: (UnsafeRawBufferPointer) -> Void) -> ReceiveResult {
        switch state {
        case .failed: return .failed(reason: "the TLS connection failed earlier")
        case .closed: return .closedByPeer
        case .handshaking, .established: break
        }
        if peerClosed { return .closedByPeer }
        if ciphertext.count > 0 {
            let written = BIO_write(inbound, ciphertext.baseAddress, Int32(ciphertext.count))
            guard written == ciphertext.count else { return fail(TLSError.fromQueue("out of memory buffering TLS input")) }
        }
        var completedNow = false
        if state == .handshaking {
            OpenSSLErrorQueue.clear()
            let result = SSL_do_handshake(ssl)
            if result != 1 { return outcome(ofUnfinished: result, failure: "TLS handshake failed") }
            didCompleteHandshake()
            completedNow = true
        }
        let outcome = readApplicationData(deliver: deliver)
        if case .needMoreInput = outcome, completedNow { return .handshakeCompleted }
        if case .closedByPeer = outcome, completedNow {
            // Finished and close_notify in one read: report the handshake; `peerClosed` tells the rest.
            return .handshakeCompleted
        }
        return outcome
    }

    private func readApplicationData(deliver: (UnsafeRawBufferPointer) -> Void) -> ReceiveResult {
        withUnsafeTemporaryAllocation(byteCount: Self.maxRecordPlaintext, alignment: 16) { buffer in
            while true {
                OpenSSLErrorQueue.clear()
                var count = 0
                let result = SSL_read_ex(ssl, buffer.baseAddress, buffer.count, &count)
                if result == 1 {
                    deliver(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    continue
                }
                return outcome(ofUnfinished: result, failure: "TLS read failed")
            }
        }
    }

    private func didCompleteHandshake() {
        state = .established
        negotiatedALPN = Self.selectedALPN(of: ssl)
        applicationProtocol = ApplicationProtocol(alpn: negotiatedALPN)
        protocolVersion = String(cString: SSL_get_version(ssl))
    }

    /// Encrypts application data; the records join `pendingCiphertext`. False once the
    /// connection cannot carry data (not established, closed or failed).
    @discardableResult
    public func send(_ plaintext: UnsafeRawBufferPointer) -> Bool {
        guard state == .established else { return false }
        guard plaintext.count > 0 else { return true }
        OpenSSLErrorQueue.clear()
        var written = 0
        // A memory BIO grows as needed, so one call takes everything.
        guard SSL_write_ex(ssl, plaintext.baseAddress, plaintext.count, &written) == 1, written == plaintext.count else {
            _ = fail(TLSError.fromQueue("TLS write failed"))
            return false
        }
        return true
    }

    public func send(_ plaintext: [UInt8]) -> Bool {
        plaintext.withUnsafeBytes { send($0) }
    }

    /// Queues close_notify (RFC 8446 §6.1) after what was sent; no more data afterwards.
    /// The transport sends `pendingCiphertext` and closes without waiting for the peer's.
    public func shutdown() {
        guard state == .established || state == .closed else {
            state = state == .handshaking ? .failed : state
            return
        }
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
        state = .closed
    }

    /// The protocol ALPN chose on `ssl`, if any; the tests' TLS clients read it the same way.
    package static func selectedALPN(of ssl: OpaquePointer) -> String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// What an SSL call that did not succeed means: wait for input, the peer's
    /// close_notify, or a failure (its alert left in `pendingCiphertext`).
    private func outcome(ofUnfinished result: Int32, failure: String) -> ReceiveResult {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .needMoreInput
        case SSL_ERROR_ZERO_RETURN:
            peerClosed = true
            return .closedByPeer
        default:
            return fail(TLSError.fromQueue(failure))
        }
    }

    private func fail(_ error: TLSError) -> ReceiveResult {
        state = .failed
        return .failed(reason: error.description)
    }
}
