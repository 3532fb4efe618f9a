/// How the certificate authority checks control of the hostnames.
public enum ValidationMethod: String, CaseIterable, Sendable {
    case txt, http, email
}

/// The certificate authorities an advanced pack can be ordered from.
public enum CertificateAuthority: String, CaseIterable, Sendable {
    case google
    case letsEncrypt = "lets_encrypt"
    case sslCom = "ssl_com"

    /// Validity periods this CA issues (Cloudflare docs, certificate-authorities);
    /// 365 days additionally needs an Enterprise zone.
    public var validityDays: [Int] {
        switch self {
        case .letsEncrypt: return [90]
        case .google: return [14, 30, 90]
        case .sslCom: return [14, 30, 90, 365]
        }
    }

    /// The issuer name shown on issued certificates.
    public var issuerName: String {
        switch self {
        case .letsEncrypt: return "LetsEncrypt"
        case .google: return "GoogleTrustServices"
        case .sslCom: return "SSLCorp"
        }
    }
}

/// The `validity_days` values the schema allows.
public let allowedValidityDays = [14, 30, 90, 365]
