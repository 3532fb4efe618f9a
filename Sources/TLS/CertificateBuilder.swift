import COpenSSL

/// Makes X.509 v3 certificates with OpenSSL's own API (no `openssl` command, no new dependency).
/// The profile follows what strict verifiers check (Python 3.13's VERIFY_X509_STRICT, Go,
/// Apple's rules for locally trusted roots): critical basicConstraints and keyUsage, subject
/// and authority key identifiers, extendedKeyUsage serverAuth, a leaf valid at most 825 days.
struct CertificateBuilder {
    enum Profile {
        case certificateAuthority
        case server(names: [SubjectAlternativeName])
    }

    var subjectCommonName: String
    var organization = "CertPackMock"
    var validityDays: Int
    var profile: Profile

    /// Signs a certificate for `subjectKey`, issued by `issuer` (nil: self-signed with `signingKey`).
    func build(subjectKey: PrivateKey, issuer: Certificate?, signingKey: PrivateKey) throws(TLSError) -> Certificate {
        OpenSSLErrorQueue.clear()
        guard let x509 = X509_new() else { throw TLSError.fromQueue("out of memory") }
        let certificate = Certificate(taking: x509)
        // Version 3 is encoded as 2 (RFC 5280 §4.1.2.1).
        guard X509_set_version(x509, 2) == 1 else { throw TLSError.fromQueue("cannot set the certificate version") }
        try setRandomSerial(x509)
        // Back-dated an hour so a client whose clock runs a little behind accepts it.
        guard X509_gmtime_adj(X509_getm_notBefore(x509), -3600) != nil,
              X509_time_adj_ex(X509_getm_notAfter(x509), Int32(validityDays), 0, nil) != nil
        else { throw TLSError.fromQueue("cannot set the validity period") }

        guard let name = X509_NAME_new() else { throw TLSError.fromQueue("out of memory") }
        defer { X509_NAME_free(name) }
        try add(organization, as: "O", to: name)
        try add(subjectCommonName, as: "CN", to: name)
        guard X509_set_subject_name(x509, name) == 1,
              X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.pointer) } ?? name) == 1,
              X509_set_pubkey(x509, subjectKey.pointer) == 1
        else { throw TLSError.fromQueue("cannot set the certificate's names or key") }

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        context.db = nil
        switch profile {
        case .certificateAuthority:
            try addExtension(NID_basic_constraints, "critical,CA:TRUE,pathlen:0", to: x509, context: &context)
            try addExtension(NID_key_usage, "critical,keyCertSign,cRLSign", to: x509, context: &context)
            try addExtension(NID_subject_key_identifier, "hash", to: x509, context: &context)
        case .server(let names):
            try addExtension(NID_basic_constraints, "critical,CA:FALSE", to: x509, context: &context)
            try addExtension(NID_key_usage, "critical,digitalSignature", to: x509, context: &context)
            try addExtension(NID_ext_key_usage, "serverAuth", to: x509, context: &context)
            try addExtension(NID_subject_key_identifier, "hash", to: x509, context: &context)
            try addExtension(NID_authority_key_identifier, "keyid:always", to: x509, context: &context)
            try addSubjectAlternativeNames(names, to: x509)
        }
        guard X509_sign(x509, signingKey.pointer, EVP_sha256()) > 0 else { throw TLSError.fromQueue("cannot sign the certificate") }
        return certificate
    }

    /// RFC 5280 §4.1.2.2: positive, unique per issuer, at most 20 bytes; 16 random bytes.
    private func setRandomSerial(_ x509: OpaquePointer) throws(TLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw TLSError.fromQueue("no randomness for a serial number") }
        bytes[0] &= 0x7f
        bytes[0] |= 0x01
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else { throw TLSError.fromQueue("out of memory") }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(x509)) != nil else { throw TLSError.fromQueue("cannot set the serial number") }
    }

    private func add(_ value: String, as field: String, to name: OpaquePointer) throws(TLSError) {
        guard X509_NAME_add_entry_by_txt(name, field, cpm_MBSTRING_ASC(), value, -1, -1, 0) == 1 else {
            throw TLSError.fromQueue("cannot put \(field)=\(value) in a certificate name")
        }
    }

    /// `value` is one of the fixed strings above, never user input.
    private func addExtension(_ nid: Int32, _ value: String, to x509: OpaquePointer, context: inout X509V3_CTX) throws(TLSError) {
        guard let ext = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
            throw TLSError.fromQueue("cannot make the certificate extension \(value)")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(x509, ext, -1) == 1 else { throw TLSError.fromQueue("cannot add the extension \(value)") }
    }

    /// Built as GENERAL_NAME values, not a configuration string, so a hostname cannot smuggle in
    /// another entry.
    private func addSubjectAlternativeNames(_ names: [SubjectAlternativeName], to x509: OpaquePointer) throws(TLSError) {
        guard let list = cpm_GENERAL_NAMES_new() else { throw TLSError.fromQueue("out of memory") }
        defer { GENERAL_NAMES_free(list) }
        for name in names {
            guard let entry = GENERAL_NAME_new() else { throw TLSError.fromQueue("out of memory") }
            switch name {
            case .dns(let host):
                guard let text = ASN1_IA5STRING_new() else { GENERAL_NAME_free(entry); throw TLSError.fromQueue("out of memory") }
                guard ASN1_STRING_set(text, host, Int32(host.utf8.count)) == 1 else {
                    ASN1_IA5STRING_free(text); GENERAL_NAME_free(entry)
                    throw TLSError.fromQueue("cannot encode \(host)")
                }
                GENERAL_NAME_set0_value(entry, GEN_DNS, UnsafeMutableRawPointer(text))
            case .ipAddress(let address):
                guard let octets = a2i_IPADDRESS(address) else {
                    GENERAL_NAME_free(entry)
                    throw TLSError.fromQueue("'\(address)' is not an IP address")
                }
                GENERAL_NAME_set0_value(entry, GEN_IPADD, UnsafeMutableRawPointer(octets))
            }
            guard cpm_GENERAL_NAMES_push(list, entry) > 0 else { GENERAL_NAME_free(entry); throw TLSError.fromQueue("out of memory") }
        }
        guard X509_add1_ext_i2d(x509, NID_subject_alt_name, UnsafeMutableRawPointer(list), 0, UInt(X509V3_ADD_DEFAULT)) == 1 else {
            throw TLSError.fromQueue("cannot add the subject alternative names")
        }
    }
}
