import CertPackMock
import Testing
import TestSupport
import TLS

/// `GET /__mock/tls/ca.pem` when the TLS context is made on first need.
@Suite struct TLSCertificateAnswerTests {
    @Test func theCAIsMadeWhenFirstAskedFor() throws {
        let provider = TLSContextProvider(issuingFor: SubjectAlternativeName.defaults)
        let mock = try startMock { $0.server.tls = provider }
        defer { mock.stop() }
        #expect(!provider.isMade)
        let r = try TestClient(port: mock.port).request("GET", "/__mock/tls/ca.pem")
        #expect(r.status == 200)
        #expect(r.text.contains("-----BEGIN CERTIFICATE-----"))
        #expect(provider.madeCount == 1)
        #expect(try r.body == provider.context().identity.certificateAuthorityPEM)
    }

    @Test func aCAThatCannotBeMadeIsA500InTheEnvelopeAndTheServerGoesOn() throws {
        let provider = TLSContextProvider(deferred: { () throws(TLSError) -> TLSServerContext in throw TLSError("no entropy today") },
                                          applicationProtocols: [.http1])
        let mock = try startMock { $0.server.tls = provider }
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let r = try client.request("GET", "/__mock/tls/ca.pem")
        #expect(r.status == 500)
        #expect(r.json["success"] as? Bool == false)
        #expect(r.text.contains("no entropy today"))
        #expect(try client.request("GET", "/__mock/health").status == 200)
    }
}
