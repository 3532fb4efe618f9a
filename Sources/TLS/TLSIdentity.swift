/// What the server presents in its handshakes: a certificate chain (the server's certificate
/// first) and its private key, as PEM, plus the CA that signed it when the mock made it.
public struct TLSIdentity: Sendable {
    public var certificateChainPEM: [UInt8]
    var privateKeyPEM: [UInt8]
    /// The mock's CA in PEM (served at `/__mock/tls/ca.pem`); nil with the user's own certificate.
    public var certificateAuthorityPEM: [UInt8]?
    /// The names the certificate covers, when the mock made it.
    public var names: [SubjectAlternativeName]

    init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8], certificateAuthorityPEM: [UInt8]?, names: [SubjectAlternativeName]) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
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
        return TLSIdentity(certificateChainPEM: chain, privateKeyPEM: keyPEM, certificateAuthorityPEM: nil, names: [])
    }
}
