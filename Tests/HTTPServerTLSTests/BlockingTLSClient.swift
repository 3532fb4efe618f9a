import COpenSSL
import Sockets
import TLS
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client on loopback, speaking TLS through OpenSSL on the socket itself.
final class BlockingTLSClient {
    let fd: Int32
    private let ctx: OpaquePointer
    let ssl: OpaquePointer

    /// Connects and shakes hands; throws when the handshake fails. `caPEM` nil: no verification.
    /// With `firstRequest`, the client's Finished flight is held back and sent with that request
    /// in one TCP segment, so the server completes the handshake and reads the request in one go.
    init(port: Int, trusting caPEM: [UInt8]?, alpn: [String] = ["http/1.1"], timeout: Int = 10,
         withFinished firstRequest: String? = nil) throws {
        fd = try BlockingTLSClient.connect(port: port, timeout: timeout)
        ctx = SSL_CTX_new(TLS_client_method())!
        let store = SSL_CTX_get_cert_store(ctx)
        if let caPEM {
            let bio = BIO_new(BIO_s_mem())!
            _ = caPEM.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
            if let ca = PEM_read_bio_X509(bio, nil, nil, nil) {
                X509_STORE_add_cert(store, ca)
                X509_free(ca)
            }
            BIO_free(bio)
        }
        SSL_CTX_set_verify(ctx, caPEM == nil ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)
        ssl = SSL_new(ctx)!
        SSL_set1_host(ssl, "localhost")
        var wire: [UInt8] = []
        for name in alpn { wire.append(UInt8(name.utf8.count)); wire.append(contentsOf: name.utf8) }
        if !wire.isEmpty { SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) }
        if let firstRequest {
            try handshakeHoldingFinished(thenSending: firstRequest)
            return
        }
        SSL_set_fd(ssl, fd)
        guard SSL_connect(ssl) == 1 else {
            throw ClientError("handshake failed: \(SSL_get_error(ssl, -1))")
        }
    }

    /// The handshake through memory BIOs, so the last flight can wait for the request.
    private func handshakeHoldingFinished(thenSending request: String) throws {
        let inbound = BIO_new(BIO_s_mem())!
        let outbound = BIO_new(BIO_s_mem())!
        SSL_set_bio(ssl, inbound, outbound)
        SSL_set_connect_state(ssl)
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let result = SSL_do_handshake(ssl)
            if result == 1 { break }
            guard SSL_get_error(ssl, result) == SSL_ERROR_WANT_READ else { throw ClientError("handshake failed") }
            sendAll(drain(outbound))
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { throw ClientError("handshake ended by the server") }
            _ = BIO_write(inbound, buffer, Int32(count))
        }
        let bytes = Array(request.utf8)
        _ = SSL_write(ssl, bytes, Int32(bytes.count))
        sendAll(drain(outbound))
        // The server sends nothing before it has the Finished, so nothing unread is dropped here.
        SSL_set_fd(ssl, fd)
    }

    private func drain(_ bio: OpaquePointer) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        let count = BIO_read(bio, &bytes, Int32(bytes.count))
        return Array(bytes.prefix(max(0, Int(count))))
    }

    private func sendAll(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            sent += count
        }
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(ctx)
        Glibc.close(fd)
    }

    /// A blocking loopback connection (the Sockets module's client socket); the caller closes it.
    static func connect(port: Int, timeout: Int) throws -> Int32 {
        try Socket.connected(toHost: "127.0.0.1", port: port, timeout: Double(timeout)).fd
    }

    var alpn: String? { TLSEngine.selectedALPN(of: ssl) }

    /// The server's certificate as DER, to compare what different connections were shown.
    var peerCertificateDER: [UInt8] {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return [] }
        defer { X509_free(certificate) }
        var der: UnsafeMutablePointer<UInt8>?
        let count = i2d_X509(certificate, &der)
        guard count > 0, let der else { return [] }
        defer { CRYPTO_free(der, nil, 0) }
        return Array(UnsafeBufferPointer(start: der, count: Int(count)))
    }

    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = SSL_write(ssl, bytes, Int32(bytes.count))
    }

    /// One response: head, then Content-Length bytes of body.
    func readResponse() throws -> (status: Int, head: String, body: String) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            if let end = find(data, Array("\r\n\r\n".utf8)) {
                let head = String(decoding: data[..<end], as: UTF8.self)
                let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int(String($0.split(separator: ":")[1].filter { $0 != " " })) } ?? 0
                if data.count >= end + 4 + length {
                    let status = Int(head.split(separator: " ")[1]) ?? 0
                    return (status, head, String(decoding: data[(end + 4)..<(end + 4 + length)], as: UTF8.self))
                }
            }
            let n = SSL_read(ssl, &buffer, Int32(buffer.count))
            guard n > 0 else { throw ClientError("read ended: \(SSL_get_error(ssl, n))") }
            data.append(contentsOf: buffer[0..<Int(n)])
        }
    }

    /// True when the next read sees the server's close_notify.
    func readsCloseNotify() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = SSL_read(ssl, &buffer, Int32(buffer.count))
        return n <= 0 && SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN
    }
}

struct ClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for index in 0...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
        return index
    }
    return nil
}

