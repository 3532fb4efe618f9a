import Dispatch
import TestSupport
import Testing
@testable import TLS

@Suite struct TLSContextProviderTests {
    @Test func theMocksOwnCertificateIsMadeOnFirstNeedAndOnlyOnce() throws {
        let names = SubjectAlternativeName.defaults + [.dns("mock.test")]
        let provider = TLSContextProvider(issuingFor: names)
        // What the start-up banner reads is there before anything is made.
        #expect(provider.issuesOwnCertificate)
        #expect(provider.certificateNames == names)
        #expect(provider.applicationProtocols == [.http2, .http1])
        #expect(!provider.isMade)
        #expect(provider.madeCount == 0)

        let made = Locked<[ObjectIdentifier]>([])
        DispatchQueue.concurrentPerform(iterations: 20) { _ in
            if let context = try? provider.context() { made.withValue { $0.append(ObjectIdentifier(context)) } }
        }
        let identities = made.withValue { $0 }
        #expect(identities.count == 20)
        #expect(Set(identities).count == 1)
        #expect(provider.madeCount == 1)
        let context = try provider.context()
        #expect(context.identity.names == names)
        #expect(context.identity.certificateAuthorityPEM != nil)
    }

    @Test func aGivenAuthoritySignsTheLazyCertificate() throws {
        let provider = TLSContextProvider(issuingFor: SubjectAlternativeName.defaults, by: Fixture.authority)
        #expect(!provider.isMade)
        #expect(try provider.context().identity.certificateAuthorityPEM == Fixture.authority.certificatePEM)
    }

    @Test func aReadyContextIsMadeAlreadyAndDescribesItself() throws {
        let provider = TLSContextProvider(ready: Fixture.http1OnlyContext)
        #expect(provider.isMade)
        #expect(provider.applicationProtocols == [.http1])
        #expect(provider.certificateNames == Fixture.identity.names)
        #expect(try provider.context() === Fixture.http1OnlyContext)
    }
}
