import CertificatePacks
import CertPackMock
import Foundation
import Testing

/// The docs' example packs, SSL verification, DCV delegation and `POST /__mock/packs`, over a socket.
@Suite struct VerificationEndpointTests {
    typealias C = TestCredentials
    static let docsPack = "3822ff90-ea29-44df-9e55-21300bb9419b"
    static let waitingPack = "a77f8bd7-3b47-46b4-a6f1-75cf98109948"
    let verification = "/client/v4/zones/\(C.zone)/ssl/verification"

    func patch(_ client: RawHTTPClient, _ id: String, _ body: String) throws -> RawHTTPClient.Response {
        try #require(client.request("PATCH", verification + "/" + id, headers: C.edit.merging(C.json) { a, _ in a }, body: body))
    }

    func items(_ client: RawHTTPClient, query: String = "") throws -> [String: [String: Any]] {
        let r = try #require(client.request("GET", verification + query, headers: C.read))
        #expect(r.status == 200 && r.json["success"] as? Bool == true)
        let list = try #require(r.json["result"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["cert_pack_uuid"] as! String, $0) })
    }

    @Test func theDocsExamplePackAnswersGetEditAndDelete() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try RawHTTPClient(port: mock.port)
        let path = "/client/v4/zones/\(C.zone)/ssl/certificate_packs/\(Self.docsPack)"
        let got = try #require(client.request("GET", path, headers: C.read))
        #expect(got.status == 200 && got.result?["id"] as? String == Self.docsPack && got.result?["status"] as? String == "active")
        let edited = try #require(client.request("PATCH", path, headers: C.edit.merging(C.json) { a, _ in a }, body: #"{"cloudflare_branding":true}"#))
        #expect(edited.result?["cloudflare_branding"] as? Bool == true)
        #expect(try #require(client.request("DELETE", path, headers: C.edit)).result?["id"] as? String == Self.docsPack)
        #expect(try #require(client.request("GET", path, headers: C.read)).errorCodes == [1408])
        mock.reset()
        #expect(try #require(client.request("GET", path, headers: C.read)).result?["cloudflare_branding"] as? Bool == false)
    }

    @Test func theWaitingFixturePackMovesOnThroughVerificationPatches() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try RawHTTPClient(port: mock.port)
        let before = try #require(try items(client)[Self.waitingPack])
        #expect(before["certificate_status"] as? String == "authorizing" && before["validation_method"] as? String == "http")
        let info = try #require(before["verification_info"] as? [String: Any])
        #expect((info["http_url"] as? String)?.hasPrefix("http://example.com/.well-known/pki-validation/") == true)
        #expect(info["record_name"] == nil && info["record_target"] == nil)
        #expect(before["verification_status"] as? Bool == false)

        let changed = try patch(client, Self.waitingPack, #"{"validation_method":"txt"}"#)
        #expect(changed.status == 200)
        #expect(changed.result as NSDictionary? == ["status": "pending_validation", "validation_method": "txt"] as NSDictionary)
        let pack = try #require(client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs/\(Self.waitingPack)", headers: C.read)).result
        let records = try #require(pack?["validation_records"] as? [[String: Any]])
        #expect(records.map { $0["txt_name"] as? String } == ["_acme-challenge.example.com", "_acme-challenge.www.example.com"])
        let uuid = try #require(client.request("GET", "/client/v4/zones/\(C.zone)/dcv_delegation/uuid", headers: C.read)).result?["uuid"] as? String
        let delegation = try #require(pack?["dcv_delegation_records"] as? [[String: Any]])
        #expect(delegation.first?["cname_target"] as? String == "example.com.\(try #require(uuid)).dcv.cloudflare.com")

        let rechecked = try patch(client, Self.waitingPack, #"{"validation_method":"txt"}"#)
        #expect(rechecked.result?["status"] as? String == "pending_issuance")
        #expect(try items(client)[Self.waitingPack]?["certificate_status"] as? String == "issuing")
        mock.clock.advance(by: 2)
        #expect(try items(client)[Self.waitingPack]?["certificate_status"] as? String == "active")
        mock.reset()
        #expect(try items(client)[Self.waitingPack]?["certificate_status"] as? String == "authorizing")
    }

    @Test func refusalsCarryTheirCodes() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try RawHTTPClient(port: mock.port)
        let active = try patch(client, Self.docsPack, #"{"validation_method":"txt"}"#)
        #expect(active.status == 400 && active.errorCodes == [1482])
        let message = (active.json["errors"] as? [[String: Any]])?.first?["message"] as? String
        #expect(message?.hasPrefix("You cannot update the DCV method for an active certificate.") == true)
        #expect(try patch(client, Self.waitingPack, #"{"validation_method":"cname"}"#).errorCodes == [1483])
        #expect(try patch(client, Self.waitingPack, #"{"validation_method":"dns"}"#).errorCodes == [1473])
        #expect(try patch(client, Self.waitingPack, #"{"validation_method":1}"#).errorCodes == [1472])
        #expect(try patch(client, Self.waitingPack, "{}").errorCodes == [1471])
        #expect(try patch(client, Self.waitingPack, "[]").errorCodes == [1470])
        #expect(try patch(client, Self.waitingPack, "{").errorCodes == [6007])
        #expect(try patch(client, Self.waitingPack, #"{"validation_method":"email"}"#).errorCodes == [1479])
        #expect(try patch(client, "ffffffffffffffffffffffffffffffff", #"{"validation_method":"txt"}"#).errorCodes == [1408])
        #expect(try patch(client, "not-a-pack", #"{"validation_method":"txt"}"#).errorCodes == [7003, 7000])
        let readOnly = try #require(client.request("PATCH", verification + "/" + Self.waitingPack, headers: C.read.merging(C.json) { a, _ in a },
                                                   body: #"{"validation_method":"txt"}"#))
        #expect(readOnly.errorCodes == [10000])
        let wrongMethod = try #require(client.request("POST", verification, headers: C.edit))
        #expect(wrongMethod.status == 405 && wrongMethod.header("Allow") == "GET, HEAD")
        #expect(try #require(client.request("GET", verification + "?retry=maybe", headers: C.read)).errorCodes == [1490])
        // Nothing refused moved the pack.
        #expect(try items(client)[Self.waitingPack]?["certificate_status"] as? String == "authorizing")
    }

    @Test func controlCreatesAPackInAnyStateWithAnyId() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try RawHTTPClient(port: mock.port)
        let body = #"{"zone_id":"\#(C.zone)","id":"11111111-2222-4333-8444-555555555555","hosts":["example.com","other.test"],"#
            + #""validation_method":"email","certificate_authority":"google","validity_days":14,"cloudflare_branding":true,"#
            + #""status":"pending_validation","pinned":true,"seconds_in_status":3600}"#
        let created = try #require(client.request("POST", "/__mock/packs", body: body))
        #expect(created.status == 200, "\(created.text)")
        #expect(created.result?["id"] as? String == "11111111-2222-4333-8444-555555555555")
        #expect(created.result?["status"] as? String == "pending_validation")
        #expect((created.result?["validation_records"] as? [[String: Any]])?.first?["emails"] != nil)
        mock.clock.advance(by: 86_400)
        let read = try #require(client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs/11111111222243338444555555555555", headers: C.read))
        #expect(read.result?["status"] as? String == "pending_validation" && read.result?["cloudflare_branding"] as? Bool == true)
        #expect(try #require(client.request("POST", "/__mock/packs", body: body)).status == 409)
        let unknownZone = try #require(client.request("POST", "/__mock/packs", body: #"{"zone_id":"ffffffffffffffffffffffffffffffff","hosts":["a.test"]}"#))
        #expect(unknownZone.status == 404 && unknownZone.errorCodes == [1499])
        #expect(try #require(client.request("POST", "/__mock/packs", body: #"{"zone_id":"\#(C.zone)","hosts":[]}"#)).errorCodes == [1499])
        #expect(try #require(client.request("POST", "/__mock/packs", body: #"{"zone_id":"\#(C.zone)","hosts":["a.test"],"status":"done"}"#)).status == 400)

        // The Swift helper does the same without HTTP.
        let draft = PackDraft(zoneID: C.zone, order: OrderRequest(hosts: ["example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt),
                              status: .validationTimedOut)
        let made = try mock.createPack(draft)
        #expect(try items(client)[made.pack.id]?["certificate_status"] as? String == "timing_out")
    }
}
