import CertificatePacks
import CertPackMock
import Foundation
import Testing
import TestSupport

/// Uses the library exactly as a downstream Swift test suite would: start, point a
/// client at `baseURL`, drive the clock and read the journal with Swift calls.
@Suite struct InProcessHelperTests {
    @Test func startOrderAdvanceAndInspect() throws {
        let mock = try MockServer.start(MockConfiguration(clockMode: .manual))
        defer { mock.stop() }
        #expect(mock.baseURL.absoluteString == "http://127.0.0.1:\(mock.port)/client/v4")
        let client = try TestClient(port: mock.port)
        let ordered = try client.request("POST", mock.baseURL.path + "/zones/\(Fixtures.docsZoneID)/ssl/certificate_packs/order",
                                                  headers: TestCredentials.edit, body: TestCredentials.seedOrder)
        let id = try #require(ordered.result?["id"] as? String)
        mock.clock.advance(by: 60)
        #expect(mock.service.read(id, zoneID: Fixtures.docsZoneID)?.status == .active)
        #expect(mock.journal.count(matching: .init(method: "POST")) == 1)
        mock.reset()
        #expect(mock.journal.count() == 0)
        #expect(mock.service.read(id, zoneID: Fixtures.docsZoneID) == nil)
    }

    /// The README's Swift lines for a listening address and a directly created pack.
    @Test func hostsPortAndCreatePackAsTheReadmeShows() throws {
        let mock = try MockServer.start(MockConfiguration(hosts: ["127.0.0.1"], port: 0, clockMode: .manual))
        defer { mock.stop() }
        #expect(mock.boundAddresses == ["127.0.0.1:\(mock.port)"])
        let made = try mock.createPack(PackDraft(zoneID: "023e105f4ecef8ad9ca31a8372d0c353",
            order: OrderRequest(hosts: ["example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt),
            status: .pendingValidation, pinned: true, secondsInStatus: 3600))
        mock.clock.advance(by: 86_400)
        let client = try TestClient(port: mock.port)
        let read = try client.request("GET", mock.baseURL.path + "/zones/\(Fixtures.docsZoneID)/ssl/certificate_packs/\(made.pack.id)",
                                      headers: TestCredentials.read)
        #expect(read.result?["status"] as? String == "pending_validation")
    }
}
