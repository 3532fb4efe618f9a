import COpenSSL
import Glibc
import Testing
@testable import TLS

@Suite struct CertificateAuthorityTests {
    private func temporaryDirectory() -> String {
        var template = Array("/tmp/certpack-tls-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    private func leaf(_ identity: TLSIdentity) throws -> Certificate {
        try Certificate.all(pem: identity.certificateChainPEM, source: "test")[0]
    }

    @Test func serverCertificateCoversTheDefaultNamesAndTheGivenOnes() throws {
        let names = SubjectAlternativeName.defaults + [try SubjectAlternativeName(parsing: "Mock.Example.TEST"), try SubjectAlternativeName(parsing: "10.1.2.3")]
        let identity = try Fixture.authority.issueServerIdentity(for: names)
        let certificate = try leaf(identity)
        for host in ["localhost", "api.cloudflare.com", "mock.example.test"] {
            #expect(X509_check_host(certificate.pointer, host, 0, 0, nil) == 1, "\(host)")
        }
        for ip in ["127.0.0.1", "::1", "10.1.2.3"] {
            #expect(X509_check_ip_asc(certificate.pointer, ip, 0) == 1, "\(ip)")
        }
        #expect(X509_check_host(certificate.pointer, "example.com", 0, 0, nil) != 1)
        #expect(X509_check_ip_asc(certificate.pointer, "127.0.0.2", 0) != 1)
        #expect(identity.certificateAuthorityPEM == Fixture.authority.certificatePEM)
    }

    @Test func keysAreECDSAOnP256AndTheLeafIsSignedByTheCA() throws {
        let certificate = try leaf(Fixture.identity)
        let key = X509_get0_pubkey(certificate.pointer)
        #expect(EVP_PKEY_get_base_id(key) == EVP_PKEY_EC)
        #expect(EVP_PKEY_get_bits(key) == 256)
        var curve = [CChar](repeating: 0, count: 32)
        var length = 0
        #expect(EVP_PKEY_get_group_name(key, &curve, curve.count, &length) == 1)
        #expect(String(decoding: curve.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) == "prime256v1")
        let ca = try Certificate.all(pem: Fixture.authority.certificatePEM, source: "ca")[0]
        #expect(X509_verify(certificate.pointer, X509_get0_pubkey(ca.pointer)) == 1)
        #expect(X509_check_ca(ca.pointer) != 0)
        #expect(X509_check_ca(certificate.pointer) == 0)
        // 825 days, give or take the hour it is back-dated.
        let days = certificate.secondsUntilExpiry() / 86_400
        #expect(days == 824 || days == 825)
    }

    @Test func everyGeneratedCAIsANewOne() throws {
        let a = try CertificateAuthority.generate()
        let b = try CertificateAuthority.generate()
        #expect(a.certificatePEM != b.certificatePEM)
        #expect(try a.privateKeyPEM() != b.privateKeyPEM())
    }

    @Test func storedCAIsMadeOnceAndReused() throws {
        let directory = temporaryDirectory() + "/ca"
        let first = try CertificateAuthority.stored(in: directory)
        #expect(first.created)
        var info = stat()
        #expect(stat(directory + "/ca-key.pem", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try PEMFile.read(directory + "/ca.pem", what: "") == first.authority.certificatePEM)
        let second = try CertificateAuthority.stored(in: directory)
        #expect(!second.created)
        #expect(second.authority.certificatePEM == first.authority.certificatePEM)
        // A server certificate from the reused CA verifies against the first one.
        let identity = try second.authority.issueServerIdentity(for: SubjectAlternativeName.defaults)
        let ca = try Certificate.all(pem: first.authority.certificatePEM, source: "ca")[0]
        let server = try leaf(identity)
        #expect(X509_verify(server.pointer, X509_get0_pubkey(ca.pointer)) == 1)
    }

    @Test func storedCAWithAMissingHalfIsAnError() throws {
        let directory = temporaryDirectory()
        _ = try CertificateAuthority.stored(in: directory)
        unlink(directory + "/ca-key.pem")
        #expect(throws: TLSError.self) { try CertificateAuthority.stored(in: directory) }
    }

    @Test func userPEMFilesLoadAndAreChecked() throws {
        let directory = temporaryDirectory()
        let identity = try Fixture.authority.issueServerIdentity(for: [.dns("user.test")])
        try PEMFile.write(identity.certificateChainPEM, to: directory + "/cert.pem", mode: 0o644, what: "")
        try PEMFile.write(try identity.privateKeyPEM(), to: directory + "/key.pem", mode: 0o600, what: "")
        let loaded = try TLSIdentity.load(certificateFile: directory + "/cert.pem", keyFile: directory + "/key.pem")
        #expect(loaded.certificateChainPEM == identity.certificateChainPEM)
        #expect(loaded.certificateAuthorityPEM == nil)
        _ = try TLSServerContext(identity: loaded)

        // Another key than the certificate's.
        try PEMFile.write(try Fixture.identity.privateKeyPEM(), to: directory + "/other-key.pem", mode: 0o600, what: "")
        let mismatch = #expect(throws: TLSError.self) { try TLSIdentity.load(certificateFile: directory + "/cert.pem", keyFile: directory + "/other-key.pem") }
        #expect(mismatch?.description.contains("is not the private key") == true)
        // Not PEM at all, and a file that is not there.
        try PEMFile.write(Array("hello".utf8), to: directory + "/junk.pem", mode: 0o644, what: "")
        let junk = #expect(throws: TLSError.self) { try TLSIdentity.load(certificateFile: directory + "/junk.pem", keyFile: directory + "/key.pem") }
        #expect(junk?.description.contains("no PEM certificate") == true)
        let missing = #expect(throws: TLSError.self) { try TLSIdentity.load(certificateFile: directory + "/none.pem", keyFile: directory + "/key.pem") }
        #expect(missing?.description.contains("No such file") == true)
    }

    @Test func hostnamesAreParsedAsDNSOrIP() throws {
        #expect(try SubjectAlternativeName(parsing: "*.Example.test") == .dns("*.example.test"))
        #expect(try SubjectAlternativeName(parsing: "192.168.1.10") == .ipAddress("192.168.1.10"))
        #expect(try SubjectAlternativeName(parsing: "[fe80::1]") == .ipAddress("fe80::1"))
        for bad in ["", "a,DNS:evil.test", "has space.test", "-lead.test", "*.test", "a..b", "x.*.test", String(repeating: "a", count: 64) + ".test"] {
            #expect(throws: TLSError.self, "\(bad)") { try SubjectAlternativeName(parsing: bad) }
        }
    }

    @Test func aBadIPv6IsRefusedWhenTheCertificateIsMade() throws {
        let names = [try SubjectAlternativeName(parsing: "1:2:3:::::::9")]
        #expect(throws: TLSError.self) { try Fixture.authority.issueServerIdentity(for: names) }
    }

    @Test func aBadIPv6IsRefusedBeforeAnyCertificateIsMade() throws {
        #expect(throws: TLSError.self) { try SubjectAlternativeName(parsing: "1:2:3:::::::9").checkEncodable() }
        try SubjectAlternativeName(parsing: "[::ffff:10.0.0.1]").checkEncodable()
        try SubjectAlternativeName(parsing: "mock.test").checkEncodable()
    }
}
