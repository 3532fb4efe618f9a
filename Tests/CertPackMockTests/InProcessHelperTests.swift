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
}
