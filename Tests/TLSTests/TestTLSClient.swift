import COpenSSL
@testable import TLS

/// A real OpenSSL client over its own pair of memory BIOs, wired to a server `TLSEngine` in
/// the same process: every byte goes through both TLS stacks, no socket involved.
final class TestTLSClient {
    struct Options {
        var trustedCAPEM: [UInt8]?
        var hostname = "localhost"
        var ipAddress: String?
        var alpn: [String] = []
        var minVersion = TLS1_2_VERSION
        var maxVersion = TLS1_3_VERSION
        /// "DEFAULT@SECLEVEL=0" lets the client offer TLS 1.0/1.1 at all.
        var cipherList: String?
    }

    let ctx: OpaquePointer
    let ssl: OpaquePointer
    let inbound: OpaquePointer
    let outbound: OpaquePointer
    let server: TLSEngine
    /// Plaintext the server engine delivered.
    var serverReceived: [UInt8] = []
    var serverResults: [TLSEngine.ReceiveResult] = []

    init(server: TLSEngine, options: Options) {
        self.server = server
        ctx = SSL_CTX_new(TLS_client_method())!
        _ = cpm_SSL_CTX_set_min_proto_version(ctx, options.minVersion)
        _ = cpm_SSL_CTX_set_max_proto_version(ctx, options.maxVersion)
        if let list = options.cipherList { SSL_CTX_set_cipher_list(ctx, list) }
        if let pem = options.trustedCAPEM {
            let store = SSL_CTX_get_cert_store(ctx)
            for certificate in try! Certificate.all(pem: pem, source: "test CA") {
                X509_STORE_add_cert(store, certificate.pointer)
            }
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        }
        ssl = SSL_new(ctx)!
        inbound = BIO_new(BIO_s_mem())!
        outbound = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, inbound, outbound)
        SSL_set_connect_state(ssl)
        if let ip = options.ipAddress {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip)
        } else {
            SSL_set1_host(ssl, options.hostname)
        }
        if !options.alpn.isEmpty {
            let wire = ApplicationProtocol.wireFormat(options.alpn)
            SSL_set_alpn_protos(ssl, wire, UInt32(wire.count))
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(ctx)
    }

    /// Moves bytes both ways until neither side has anything to say.
    func pump(maxRounds: Int = 20) {
        for _ in 0..<maxRounds {
            let toServer = drain(outbound)
            if !toServer.isEmpty {
                let result = toServer.withUnsafeBytes { server.receive($0) { self.serverReceived.append(contentsOf: $0) } }
                serverResults.append(result)
            }
            let toClient = server.takeCiphertext()
            if !toClient.isEmpty {
                _ = toClient.withUnsafeBytes { BIO_write(inbound, $0.baseAddress, Int32($0.count)) }
            }
            if toServer.isEmpty && toClient.isEmpty { return }
            if SSL_is_init_finished(ssl) == 0 { _ = SSL_do_handshake(ssl) }
        }
    }

    /// Runs the client's handshake to its end; returns SSL_do_handshake's last result.
    @discardableResult
    func handshake() -> Int32 {
        var result = SSL_do_handshake(ssl)
        for _ in 0..<10 where result != 1 {
            pump()
            result = SSL_do_handshake(ssl)
            if result != 1, SSL_get_error(ssl, result) != SSL_ERROR_WANT_READ { break }
        }
        pump()
        return result
    }

    var verifyResult: Int { SSL_get_verify_result(ssl) }

    var selectedALPN: String? { TLSEngine.selectedALPN(of: ssl) }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = SSL_write(ssl, bytes, Int32(bytes.count))
        pump()
    }

    /// Everything the client can decrypt now; `closed` when it read close_notify.
    func read() -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            if n > 0 { bytes.append(contentsOf: buffer[0..<Int(n)]); continue }
            return (bytes, SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN)
        }
    }

    /// Raw bytes the client would put on the wire next (to tamper with them).
    func takeOutbound() -> [UInt8] { drain(outbound) }

    private func drain(_ bio: OpaquePointer) -> [UInt8] {
        let count = Int(BIO_ctrl_pending(bio))
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = BIO_read(bio, &bytes, Int32(count))
        return Array(bytes[0..<max(0, Int(n))])
    }
}

/// Feeds raw bytes (not from a TLS client) to a server engine.
func feed(_ engine: TLSEngine, _ bytes: [UInt8]) -> (result: TLSEngine.ReceiveResult, plaintext: [UInt8]) {
    var plaintext: [UInt8] = []
    let result = bytes.withUnsafeBytes { engine.receive($0) { plaintext.append(contentsOf: $0) } }
    return (result, plaintext)
}

/// RFC 8446 §5.1 / §6: content type 21 is an alert record.
func isAlertRecord(_ bytes: [UInt8]) -> Bool { bytes.count >= 7 && bytes[0] == 0x15 }

enum Fixture {
    /// One CA and server identity for the whole suite: made once, as at start-up.
    static let authority = try! CertificateAuthority.generate()
    static let identity = try! authority.issueServerIdentity(for: SubjectAlternativeName.defaults + [.dns("mock.test")])
    static let context = try! TLSServerContext(identity: identity)
    static let http1OnlyContext = try! TLSServerContext(identity: identity, applicationProtocols: [.http1])
}
