import COpenSSL

/// The server side of TLS shared by every connection: an `SSL_CTX` with the identity, TLS 1.2
/// and 1.3 only, no renegotiation, and ALPN offering `h2` (when HTTP/2 is on) and `http/1.1`.
///
/// `@unchecked Sendable`: the `SSL_CTX` is configured completely in `init` and never changed
/// afterwards; OpenSSL documents `SSL_new` on a shared context as safe from any thread (its
/// reference count and session cache take their own locks), and that is all connections do.
/// The ALPN list it points at is owned here, never written after `init` and freed in `deinit`.
public final class TLSServerContext: @unchecked Sendable {
    let pointer: OpaquePointer
    /// Length-prefixed ALPN list read by `cpm_alpn_select` for as long as the context lives.
    private let alpnList: UnsafeMutablePointer<UInt8>
    public let identity: TLSIdentity
    /// In server preference order.
    public let applicationProtocols: [ApplicationProtocol]

    /// TLS 1.2 suites (TLS 1.3 has its own): ECDHE with AEAD only, all on RFC 9113's allowed list
    /// (§9.2.2), ECDSA first for the mock's own P-256 certificate, RSA for a user's.
    static let tls12CipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    public init(identity: TLSIdentity, applicationProtocols: [ApplicationProtocol] = [.http2, .http1]) throws(TLSError) {
        OpenSSLLibrary.initialize()
        OpenSSLErrorQueue.clear()
        guard let method = TLS_server_method(), let ctx = SSL_CTX_new(method) else {
            throw TLSError.fromQueue("cannot create a TLS context")
        }
        var names = applicationProtocols.map(\.rawValue)
        // Clients that say HTTP/1.0 in ALPN get HTTP/1.1, which answers 1.0 requests (as nginx does).
        if applicationProtocols.contains(.http1) { names.append("http/1.0") }
        let wire = ApplicationProtocol.wireFormat(names)
        alpnList = UnsafeMutablePointer<UInt8>.allocate(capacity: wire.count + 1)
        alpnList[0] = UInt8(wire.count)
        for (index, byte) in wire.enumerated() { alpnList[index + 1] = byte }
        pointer = ctx
        self.identity = identity
        self.applicationProtocols = applicationProtocols

        guard cpm_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1,
              cpm_SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1
        else { throw TLSError.fromQueue("cannot limit TLS to 1.2 and 1.3") }
        cpm_SSL_CTX_set_server_options(ctx)
        cpm_SSL_CTX_set_release_buffers(ctx)
        guard SSL_CTX_set_cipher_list(ctx, Self.tls12CipherList) == 1 else { throw TLSError.fromQueue("cannot set the TLS 1.2 cipher suites") }
        // Resumption by ticket (stateless) and a small server-side cache for TLS 1.2 session ids.
        _ = cpm_SSL_CTX_sess_set_cache_size(ctx, 1024)
        let sessionContext: [UInt8] = Array("certpack-mock".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, sessionContext, UInt32(sessionContext.count))

        let certificates = identity.chain
        let key = identity.key
        guard SSL_CTX_use_certificate(ctx, certificates[0].pointer) == 1 else { throw TLSError.fromQueue("cannot use the server certificate") }
        for intermediate in certificates.dropFirst() {
            guard cpm_SSL_CTX_add1_chain_cert(ctx, intermediate.pointer) == 1 else { throw TLSError.fromQueue("cannot use the certificate chain") }
        }
        guard SSL_CTX_use_PrivateKey(ctx, key.pointer) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError.fromQueue("the server key does not match its certificate")
        }
        cpm_SSL_CTX_set_alpn_server_protocols(ctx, alpnList)
    }

    deinit {
        SSL_CTX_free(pointer)
        alpnList.deallocate()
    }
}
