/// What the server presents in its handshakes: a certificate chain (the server's certificate
/// first) and its private key, plus the CA that signed it when the mock made it. Kept parsed,
/// as OpenSSL objects, so the TLS context takes them without a PEM round trip.
public struct TLSIdentity: Sendable {
    public let certificateChainPEM: [UInt8]
    let chain: [Certificate]
    let key: PrivateKey
    /// The mock's CA in PEM (served at `/__mock/tls/ca.pem`); nil with the user's own certificate.
    public var certificateAuthorityPEM: [UInt8]?
    /// The names the certificate covers, when the mock made it.
    public var names: [SubjectAlternativeName]

    init(chain: [Certificate], key: PrivateKey, certificateChainPEM: [UInt8], certificateAuthorityPEM: [UInt8]?, names: [SubjectAlternativeName]) {
        self.chain = chain
        self.key = key
        self.certificateChainPEM = certificateChainPEM
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.names = names
    }

    /// The user's own PEM files (`--tls-cert`, `--tls-key`): checked here, so a wrong file stops
    /// start-up with a message instead of failing every handshake.
    public static func load(certificateFile: String, keyFile: String) throws(TLSError) -> TLSIdentity {
        let chain = try PEMFile.read(certificateFile, what: "--tls-cert")
        let keyPEM = try PEMFile.read(keyFile, what: "--tls-key")
        let certificates = try Certificate.all(pem: chain, source: "--tls-cert \(certificateFile)")
        let key = try PrivateKey(pem: keyPEM, source: "--tls-key \(keyFile)")
        guard certificates[0].matches(key) else {
            throw TLSError("--tls-key \(keyFile) is not the private key of the first certificate in --tls-cert \(certificateFile)")
        }
        if certificates[0].secondsUntilExpiry() <= 0 {
            throw TLSError("--tls-cert \(certificateFile) has expired; clients would refuse it")
        }
        return TLSIdentity(chain: certificates, key: key, certificateChainPEM: chain, certificateAuthorityPEM: nil, names: [])
    }

    /// The private key as unencrypted PKCS #8 PEM, encoded when asked.
    func privateKeyPEM() throws(TLSError) -> [UInt8] { try key.pem() }
}
