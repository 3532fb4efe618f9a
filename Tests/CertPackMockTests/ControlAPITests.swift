import CertPackMock
import Foundation
import Testing
import TestSupport

/// Each control call used the way a test suite would, over a socket.
@Suite struct ControlAPITests {
    typealias C = TestCredentials

    func order(_ client: TestClient, hosts: String = #"["example.com"]"#) throws -> String {
        let body = #"{"type":"advanced","hosts":\#(hosts),"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#
        let r = try client.request("POST", C.orderPath, headers: C.edit, body: body)
        return try #require(r.result?["id"] as? String, "order failed: \(r.text)")
    }

    func status(_ client: TestClient, _ id: String) throws -> String? {
        try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs/\(id)", headers: C.read).result?["status"] as? String
    }

    @Test func healthAnswersWithoutCredentials() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let r = try TestClient(port: mock.port).request("GET", "/__mock/health")
        #expect(r.status == 200 && r.result?["status"] as? String == "ok")
    }

    @Test func advancingTheClockActivatesAPack() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let id = try order(client)
        let before = try client.request("GET", "/__mock/clock").result?["epoch_seconds"] as? Double
        let advanced = try client.request("POST", "/__mock/clock/advance", body: #"{"seconds": 30}"#)
        #expect(advanced.result?["epoch_seconds"] as? Double == before.map { $0 + 30 })
        #expect(try status(client, id) == "active")
    }

    @Test func manualLifecycleMovesOnlyWhenStepped() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        _ = try client.request("POST", "/__mock/lifecycle", body: #"{"mode":"manual"}"#)
        let id = try order(client)
        _ = try client.request("POST", "/__mock/clock/advance", body: #"{"seconds": 3600}"#)
        #expect(try status(client, id) == "initializing")
        let stepped = try client.request("POST", "/__mock/packs/\(id)/step", body: #"{"count":2}"#)
        #expect(stepped.result?["status"] as? String == "pending_issuance")
        #expect(try status(client, id) == "pending_issuance")
    }

    @Test func perReadLifecycleStepsOnEachGet() throws {
        let mock = try startMock { $0.lifecycleMode = .perRead }
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let id = try order(client)
        let seen = try (0..<4).map { _ in try status(client, id) ?? "" }
        #expect(seen == ["pending_validation", "pending_issuance", "pending_deployment", "active"])
    }

    @Test func forcingAnyStatus() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let id = try order(client)
        _ = try client.request("POST", "/__mock/packs/\(id)/status", body: #"{"status":"deployment_timed_out"}"#)
        #expect(try status(client, id) == "deployment_timed_out")
        let bad = try client.request("POST", "/__mock/packs/\(id)/status", body: #"{"status":"sleeping"}"#)
        #expect(bad.status == 400 && bad.errorCodes == [1499])
        _ = try client.request("POST", "/__mock/packs/\(id)/status", body: #"{"status":null}"#)
        #expect(try status(client, id) == "initializing")
    }

    @Test func journalRecordsFiltersCountsAndClears() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        _ = try order(client)
        _ = try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs", headers: ["Authorization": "Bearer " + String(repeating: "z", count: 40)])
        let all = try client.request("GET", "/__mock/requests")
        let entries = try #require(all.json["result"] as? [[String: Any]])
        #expect(entries.count == 2)
        #expect(entries[0]["method"] as? String == "POST" && entries[0]["status"] as? Int == 200)
        #expect(entries[0]["credential"] as? String == "ssl-edit-token")
        #expect((entries[0]["body"] as? String)?.contains("lets_encrypt") == true)
        #expect(entries[1]["error_codes"] as? [Int] == [9109] && entries[1]["credential"] as? String == "invalid")
        #expect(!all.text.contains("certpackmock-ssl-edit-000000000000000000"), "the journal must not hold secrets")
        let count = try client.request("GET", "/__mock/requests/count?method=POST&path=*/order&status=200")
        #expect(count.result?["count"] as? Int == 1)
        #expect(try client.request("GET", "/__mock/requests/count?code=9109").result?["count"] as? Int == 1)
        _ = try client.request("DELETE", "/__mock/requests")
        #expect(try client.request("GET", "/__mock/requests/count").result?["count"] as? Int == 0)
    }

    @Test func journalLimitTakesTheNewestAndRefusesANegativeOne() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        for _ in 0..<3 { _ = try order(client) }
        let newest = try #require(try client.request("GET", "/__mock/requests?limit=2").json["result"] as? [[String: Any]])
        #expect(newest.map { $0["sequence"] as? Int } == [2, 3])
        #expect((try client.request("GET", "/__mock/requests?limit=0").json["result"] as? [Any])?.isEmpty == true)
        for path in ["/__mock/requests?limit=-1", "/__mock/requests?limit=ten", "/__mock/dashboard/requests?limit=-1"] {
            let refused = try client.request("GET", path)
            #expect(refused.status == 400, "\(path)")
            #expect(refused.text.contains("limit: must be a whole number, 0 or more"), "\(path)")
        }
        let rows = try client.request("GET", "/__mock/dashboard/requests?limit=1").result
        #expect(rows?["total"] as? Int == 3 && rows?["held"] as? Int == 3)
        #expect((rows?["entries"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [3])
        let none = try client.request("GET", "/__mock/dashboard/requests?status=404").result
        #expect(none?["total"] as? Int == 0 && none?["held"] as? Int == 3)
    }

    @Test func faultRuleFailsTheNextNThenStops() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let rule = try client.request("POST", "/__mock/faults", body: #"{"method":"POST","path":"/zones/*/order","status":503,"code":10013,"message":"Try later","times":2,"headers":{"Retry-After":"1"}}"#)
        #expect(rule.status == 200)
        for _ in 0..<2 {
            let r = try client.request("POST", C.orderPath, headers: C.edit, body: C.seedOrder)
            #expect(r.status == 503 && r.errorCodes == [10013] && r.header("Retry-After") == "1")
        }
        #expect(try client.request("POST", C.orderPath, headers: C.edit, body: C.seedOrder).status == 200)
        #expect((try client.request("GET", "/__mock/faults").json["result"] as? [Any])?.isEmpty == true)
    }

    @Test func resetRuleDropsTheConnection() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        _ = try client.request("POST", "/__mock/faults", body: #"{"path":"*/quota","action":"reset","times":1}"#)
        #expect(throws: TestClientError.self) {
            try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs/quota", headers: C.read)
        }
        let again = try TestClient(port: mock.port)
        #expect(try again.request("GET", "/zones/\(C.zone)/ssl/certificate_packs/quota", headers: C.read).status == 200)
    }

    @Test func delayRuleDoesNotBlockOtherClients() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let control = try TestClient(port: mock.port)
        _ = try control.request("POST", "/__mock/faults", body: #"{"path":"*/quota","action":"delay","delay_ms":1500,"times":1}"#)
        let slow = try TestClient(port: mock.port)
        try slow.send("GET /zones/\(C.zone)/ssl/certificate_packs/quota HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer certpackmock-ssl-read-000000000000000000\r\n\r\n")
        let started = Date()
        #expect(try control.request("GET", "/__mock/health").status == 200)
        #expect(Date().timeIntervalSince(started) < 1.0, "a delayed request must not hold up other connections")
        #expect(try slow.readResponse().status == 200)
        #expect(Date().timeIntervalSince(started) >= 1.4)
    }

    @Test func zonesAndCredentialsAddedAtRunTime() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let zone = try client.request("POST", "/__mock/zones", body: #"{"name":"isolated.test","quota":2}"#)
        let zoneID = try #require(zone.result?["id"] as? String)
        _ = try client.request("POST", "/__mock/credentials", body: ##"{"name":"mine","token":"my-own-token","permissions":["#ssl:read","#ssl:edit"],"zones":["\##(zoneID)"]}"##)
        let body = #"{"type":"advanced","hosts":["isolated.test"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#
        let ordered = try client.request("POST", "/zones/\(zoneID)/ssl/certificate_packs/order", headers: ["Authorization": "Bearer my-own-token"], body: body)
        #expect(ordered.status == 200)
        let elsewhere = try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs", headers: ["Authorization": "Bearer my-own-token"])
        #expect(elsewhere.errorCodes == [10000])
        _ = try client.request("POST", "/__mock/reset", body: #"{"scope":"zones"}"#)
        let gone = try client.request("GET", "/zones/\(zoneID)/ssl/certificate_packs", headers: C.read)
        #expect(gone.errorCodes == [7003, 7000])
    }

    @Test func resetRestoresFixturesAndRepeatsIds() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let first = try order(client)
        _ = try client.request("POST", "/__mock/reset?scope=packs")
        let state = try client.request("GET", "/__mock/state")
        #expect((state.result?["packs"] as? [Any])?.count == 3)
        #expect(try order(client) == first)
        let bad = try client.request("POST", "/__mock/reset?scope=everything")
        #expect(bad.status == 400)
    }

    @Test func stateDumpShowsComputedStatus() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let id = try order(client, hosts: #"["example.com","validation-timeout.example.com"]"#)
        _ = try client.request("POST", "/__mock/clock/advance", body: #"{"seconds":100}"#)
        let state = try client.request("GET", "/__mock/state")
        let packs = try #require(state.result?["packs"] as? [[String: Any]])
        let mine = try #require(packs.first { ($0["pack"] as? [String: Any])?["id"] as? String == id })
        #expect(mine["scenario"] as? String == "validation-timeout")
        #expect((mine["pack"] as? [String: Any])?["status"] as? String == "validation_timed_out")
        #expect((state.result?["zones"] as? [Any])?.count == 3)
    }

    @Test func rateLimitAnswers971WithRetryAfter() throws {
        let mock = try startMock { $0.rateLimit = .init(enabled: true, limit: 3, windowSeconds: 60) }
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let codes = try (0..<4).map { _ in try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs", headers: C.read).status }
        #expect(codes == [200, 200, 200, 429])
        let limited = try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs", headers: C.read)
        #expect(limited.errorCodes == [971] && limited.header("Retry-After") == "60")
        // Another credential has its own window.
        #expect(try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs", headers: C.edit).status == 200)
        mock.clock.advance(by: 60)
        #expect(try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs", headers: C.read).status == 200)
    }

    @Test func unknownControlRouteIs404() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let r = try TestClient(port: mock.port).request("GET", "/__mock/nothing")
        #expect(r.status == 404 && r.errorCodes == [1499])
    }
}
