#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mock's own certificate authority: made in memory when first needed (or kept in a folder so it is
/// trusted once, like mkcert's CAROOT), it signs the server certificate the mock presents.
public struct CertificateAuthority: Sendable {
    /// The CA certificate in PEM: what clients are told to trust.
    public let certificatePEM: [UInt8]
    /// Kept parsed, so issuing a server certificate needs no PEM round trip.
    let certificate: Certificate
    let key: PrivateKey

    static let validityDays = 3650
    /// Apple's limit for certificates under a locally trusted root; mkcert's choice too.
    static let serverValidityDays = 825
    static let certificateFileName = "ca.pem"
    static let keyFileName = "ca-key.pem"

    init(certificate: Certificate, key: PrivateKey, certificatePEM: [UInt8]) {
        self.certificate = certificate
        self.key = key
        self.certificatePEM = certificatePEM
    }

    /// The CA key as unencrypted PKCS #8 PEM, encoded when asked (only `--tls-dir` stores it).
    func privateKeyPEM() throws(TLSError) -> [UInt8] { try key.pem() }

    /// A fresh CA (ECDSA P-256), living as long as the process unless written somewhere.
    public static func generate() throws(TLSError) -> CertificateAuthority {
        let key = try PrivateKey.generateP256()
        var tag: [UInt8] = [0, 0, 0, 0]
        _ = RandomTag.fill(&tag)
        let builder = CertificateBuilder(subjectCommonName: "CertPackMock local CA \(tag.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())",
                                         validityDays: validityDays, profile: .certificateAuthority)
        let certificate = try builder.build(subjectKey: key, issuer: nil, signingKey: key)
        return CertificateAuthority(certificate: certificate, key: key, certificatePEM: try certificate.pem())
    }

    /// The CA kept in `directory` (`ca.pem`, `ca-key.pem` 0600), made and stored there on the
    /// first start. A lock file keeps two servers starting at once from making two CAs.
    public static func stored(in directory: String) throws(TLSError) -> (authority: CertificateAuthority, created: Bool) {
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw TLSError("--tls-dir \(directory): cannot create it: \(PEMFile.errnoText())")
        }
        let lockFD = open("\(directory)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw TLSError("--tls-dir \(directory): \(PEMFile.errnoText())") }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 {
            guard errno == EINTR else { throw TLSError("--tls-dir \(directory): cannot lock it: \(PEMFile.errnoText())") }
        }
        defer { flock(lockFD, LOCK_UN) }

        let certificatePath = "\(directory)/\(certificateFileName)"
        let keyPath = "\(directory)/\(keyFileName)"
        switch (PEMFile.exists(certificatePath), PEMFile.exists(keyPath)) {
        case (true, true):
            let authority = try load(certificatePath: certificatePath, keyPath: keyPath)
            return (authority, false)
        case (false, false):
            let authority = try generate()
            try PEMFile.write(try authority.privateKeyPEM(), to: keyPath, mode: 0o600, what: "the CA key")
            try PEMFile.write(authority.certificatePEM, to: certificatePath, mode: 0o644, what: "the CA certificate")
            return (authority, true)
        case (true, false), (false, true):
            throw TLSError("--tls-dir \(directory) holds only one of \(certificateFileName) and \(keyFileName); restore the other or empty the folder to make a new CA")
        }
    }

    private static func load(certificatePath: String, keyPath: String) throws(TLSError) -> CertificateAuthority {
        let certificatePEM = try PEMFile.read(certificatePath, what: "the CA certificate")
        let keyPEM = try PEMFile.read(keyPath, what: "the CA key")
        let certificate = try Certificate.all(pem: certificatePEM, source: certificatePath)[0]
        let key = try PrivateKey(pem: keyPEM, source: keyPath)
        guard certificate.matches(key) else { throw TLSError("\(keyPath) is not the key of \(certificatePath)") }
        guard certificate.secondsUntilExpiry() > 86_400 else {
            throw TLSError("the CA in \(certificatePath) expires within a day or has expired; move the folder's two files away to make a new one")
        }
        return CertificateAuthority(certificate: certificate, key: key, certificatePEM: certificatePEM)
    }

    /// A new server certificate (and key) for `names`, signed by this CA.
    public func issueServerIdentity(for names: [SubjectAlternativeName]) throws(TLSError) -> TLSIdentity {
        let serverKey = try PrivateKey.generateP256()
        var commonName = "localhost"
        for case .dns(let name) in names { commonName = name; break }
        let builder = CertificateBuilder(subjectCommonName: commonName, validityDays: Self.serverValidityDays,
                                         profile: .server(names: names))
        let serverCertificate = try builder.build(subjectKey: serverKey, issuer: certificate, signingKey: key)
        return TLSIdentity(chain: [serverCertificate], key: serverKey, certificateChainPEM: try serverCertificate.pem(),
                           certificateAuthorityPEM: certificatePEM, names: names)
    }
}
