import COpenSSL

/// OpenSSL's library set-up, once per process before its first use. Without this, the first
/// OpenSSL call would also read the system's openssl.cnf; the mock sets its own protocol
/// versions, suites and curves, so the file could only change what clients see.
enum OpenSSLLibrary {
    private static let initialized: Bool = {
        OPENSSL_init_ssl(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil) == 1
    }()

    /// Called at every entry point that makes or parses OpenSSL objects; a no-op after the first.
    static func initialize() { _ = initialized }
}

/// An `EVP_PKEY` owned by Swift: freed with the object.
///
/// `@unchecked Sendable`: the key is never changed after `init` (generated or parsed there);
/// OpenSSL 3 allows an unchanged key to be used for signing and by contexts from several
/// threads at once (openssl-threads(7)), and its reference count is atomic.
final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    /// A new ECDSA key on P-256 (secp256r1), the curve every TLS client supports.
    static func generateP256() throws(TLSError) -> PrivateKey {
        OpenSSLLibrary.initialize()
        guard let key = cpm_EVP_PKEY_generate_P256() else { throw TLSError.fromQueue("cannot generate a P-256 key") }
        return PrivateKey(taking: key)
    }

    /// The first private key in `pem` (PKCS #8, or the traditional EC / RSA forms).
    convenience init(pem: [UInt8], source: String) throws(TLSError) {
        OpenSSLLibrary.initialize()
        let bio = try MemoryBIO(reading: pem)
        OpenSSLErrorQueue.clear()
        guard let key = PEM_read_bio_PrivateKey(bio.pointer, nil, nil, nil) else {
            throw TLSError.fromQueue("\(source): no PEM private key found (an unencrypted key is needed)")
        }
        self.init(taking: key)
    }

    /// Unencrypted PKCS #8 PEM.
    func pem() throws(TLSError) -> [UInt8] {
        let bio = try MemoryBIO()
        guard PEM_write_bio_PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil) == 1 else {
            throw TLSError.fromQueue("cannot encode a private key")
        }
        return bio.contents()
    }
}

/// An `X509` certificate owned by Swift.
///
/// `@unchecked Sendable`: as for `PrivateKey`, never changed after it is built or parsed;
/// OpenSSL takes its own lock for the extension cache it fills on first read.
final class Certificate: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }

    /// Every certificate in `pem`, in order (a chain: the server's first).
    static func all(pem: [UInt8], source: String) throws(TLSError) -> [Certificate] {
        OpenSSLLibrary.initialize()
        let bio = try MemoryBIO(reading: pem)
        var certificates: [Certificate] = []
        OpenSSLErrorQueue.clear()
        while let x509 = PEM_read_bio_X509(bio.pointer, nil, nil, nil) {
            certificates.append(Certificate(taking: x509))
        }
        // The loop ends on "no start line" at the end of the input: expected, not an error.
        OpenSSLErrorQueue.clear()
        guard !certificates.isEmpty else { throw TLSError("\(source): no PEM certificate found (-----BEGIN CERTIFICATE-----)") }
        return certificates
    }

    func pem() throws(TLSError) -> [UInt8] {
        let bio = try MemoryBIO()
        guard PEM_write_bio_X509(bio.pointer, pointer) == 1 else { throw TLSError.fromQueue("cannot encode a certificate") }
        return bio.contents()
    }

    /// Seconds from now until the certificate expires (negative once it has).
    func secondsUntilExpiry() -> Int64 {
        var days: Int32 = 0
        var seconds: Int32 = 0
        guard ASN1_TIME_diff(&days, &seconds, nil, X509_get0_notAfter(pointer)) == 1 else { return 0 }
        return Int64(days) * 86_400 + Int64(seconds)
    }

    func matches(_ key: PrivateKey) -> Bool {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        return X509_check_private_key(pointer, key.pointer) == 1
    }
}

/// A memory `BIO`: PEM in and out without files.
final class MemoryBIO {
    let pointer: OpaquePointer

    init() throws(TLSError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError.fromQueue("out of memory") }
        pointer = bio
    }

    /// A read-only BIO over a copy of `bytes`.
    convenience init(reading bytes: [UInt8]) throws(TLSError) {
        try self.init()
        let written = bytes.withUnsafeBytes { BIO_write(pointer, $0.baseAddress, Int32($0.count)) }
        guard written == bytes.count else { throw TLSError.fromQueue("out of memory") }
    }

    deinit { BIO_free(pointer) }

    func contents() -> [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let count = cpm_BIO_get_mem_data(pointer, &data)
        guard count > 0, let data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }
}
