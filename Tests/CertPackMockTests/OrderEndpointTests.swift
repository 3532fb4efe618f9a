import CertPackMock
import Foundation
import Testing
import TestSupport

/// The order endpoint end to end over a real socket, as curl would call it.
@Suite struct OrderEndpointTests {
    typealias C = TestCredentials

    @Test func ordersThePackOfTheSeedExample() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let r = try client.request("POST", C.orderPath, headers: C.edit.merging(C.json) { $1 }, body: C.seedOrder)
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        #expect(r.json["success"] as? Bool == true)
        #expect((r.json["errors"] as? [Any])?.isEmpty == true)
        #expect((r.json["messages"] as? [Any])?.isEmpty == true)
        let result = try #require(r.result)
        #expect(result["status"] as? String == "initializing")
        #expect(result["type"] as? String == "advanced")
        #expect(result["hosts"] as? [String] == ["example.com", "*.example.com"])
        #expect(result["validation_method"] as? String == "txt")
        #expect(result["validity_days"] as? Int == 90)
        #expect(result["certificate_authority"] as? String == "lets_encrypt")
        #expect(result["cloudflare_branding"] as? Bool == false)
        let id = try #require(result["id"] as? String)
        #expect(id.count == 32)
        #expect(result["validation_records"] == nil)
    }

    @Test func getShowsThePackMovingToActive() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let ordered = try client.request("POST", C.orderPath, headers: C.edit, body: C.seedOrder)
        let id = try #require(ordered.result?["id"] as? String)
        var statuses: [String] = []
        for _ in 0..<6 {
            let r = try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs/\(id)", headers: C.read)
            statuses.append(r.result?["status"] as? String ?? "?")
            mock.clock.advance(by: 1)
        }
        #expect(statuses == ["initializing", "pending_validation", "pending_validation", "pending_issuance", "pending_deployment", "active"])
        mock.clock.advance(by: 10)
        let active = try client.request("GET", "/client/v4/zones/\(C.zone)/ssl/certificate_packs/\(id)", headers: C.read)
        #expect(active.result?["status"] as? String == "active")
        #expect((active.result?["certificates"] as? [Any])?.count == 2)
    }

    @Test func theFixturePackHoldsCertificatesValidNow() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let r = try client.request("GET", "/client/v4/zones/\(C.zone)/ssl/certificate_packs/\(C.zone)", headers: C.edit)
        let result = try #require(r.result)
        #expect(result["status"] as? String == "active")
        let certificates = try #require(result["certificates"] as? [[String: Any]])
        #expect(certificates.count == 2)
        // The manual clock starts at 2027-01-15T08:00:00Z (1,800,000,000 s).
        for certificate in certificates {
            #expect(certificate["uploaded_on"] as? String == "2027-01-14T07:59:59Z")
            #expect(certificate["expires_on"] as? String == "2027-04-14T07:59:59Z")
        }
    }

    @Test func malformedJSONIs6007() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let r = try TestClient(port: mock.port).request("POST", C.orderPath, headers: C.edit, body: "{\"type\":")
        #expect(r.status == 400)
        #expect(r.errorCodes == [6007])
        #expect(r.json["result"] is NSNull)
    }

    @Test func formEncodedBodyIs9207() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let r = try TestClient(port: mock.port).request(
            "POST", C.orderPath, headers: C.edit.merging(["Content-Type": "application/x-www-form-urlencoded"]) { $1 }, body: C.seedOrder)
        #expect(r.status == 400 && r.errorCodes == [9207])
    }

    @Test func everyProblemIsReportedWithItsField() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let body = #"{"type":"advanced","hosts":["www.example.com","www.example.com"],"validation_method":"ftp","validity_days":7}"#
        let r = try TestClient(port: mock.port).request("POST", C.orderPath, headers: C.edit, body: body)
        #expect(r.status == 400)
        let errors = try #require(r.json["errors"] as? [[String: Any]])
        let pointers = errors.compactMap { ($0["source"] as? [String: Any])?["pointer"] as? String }
        #expect(Set(pointers) == ["/hosts/1", "/hosts", "/validation_method", "/validity_days", "/certificate_authority"])
        #expect(errors.allSatisfy { ($0["message"] as? String)?.isEmpty == false })
    }

    @Test func zoneWithoutACMIs1450() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let r = try TestClient(port: mock.port).request(
            "POST", "/zones/\(C.noACMZone)/ssl/certificate_packs/order", headers: C.edit,
            body: C.seedOrder.replacingOccurrences(of: "example.com", with: "example.org"))
        #expect(r.status == 401 && r.errorCodes == [1450])
    }

    @Test func unknownOrMalformedZoneIs7003Then7000() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        for zone in ["ffffffffffffffffffffffffffffffff", "example.com", "023E105F4ECEF8AD9CA31A8372D0C353"] {
            let r = try client.request("POST", "/client/v4/zones/\(zone)/ssl/certificate_packs/order", headers: C.edit, body: C.seedOrder)
            #expect(r.status == 400)
            #expect(r.errorCodes == [7003, 7000])
            let message = (r.json["errors"] as? [[String: Any]])?.first?["message"] as? String
            #expect(message == "Could not route to /client/v4/zones/\(zone)/ssl/certificate_packs/order, perhaps your object identifier is invalid?")
        }
    }

    @Test func unknownPathIs7000AndWrongMethod405() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let unknown = try client.request("GET", "/client/v4/zones/\(C.zone)/ssl/nothing", headers: C.edit)
        #expect(unknown.status == 400 && unknown.errorCodes == [7000])
        let wrongMethod = try client.request("GET", C.orderPath, headers: C.edit)
        #expect(wrongMethod.status == 405 && wrongMethod.errorCodes == [1497] && wrongMethod.header("Allow") == "POST")
        let put = try client.request("PUT", "/zones/\(C.zone)/ssl/certificate_packs/\(C.zone)", headers: C.edit, body: "{}")
        #expect(put.status == 405 && put.header("Allow") == "GET, HEAD, PATCH, DELETE")
    }

    @Test func seededRunsAnswerByteForByte() throws {
        func run() throws -> [[UInt8]] {
            let mock = try startMock { $0.seed = 42 }
            defer { mock.stop() }
            let client = try TestClient(port: mock.port)
            var bodies: [[UInt8]] = []
            for _ in 0..<3 {
                let r = try client.request("POST", C.orderPath, headers: C.edit, body: C.seedOrder)
                bodies.append(r.body)
            }
            mock.clock.advance(by: 1.5)
            let listed = try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs?status=all", headers: C.read)
            bodies.append(listed.body)
            mock.clock.advance(by: 60)
            bodies.append(try client.request("GET", "/zones/\(C.zone)/ssl/certificate_packs?status=all", headers: C.read).body)
            return bodies
        }
        let first = try run()
        #expect(first == (try run()))
        #expect(Set(first.prefix(3)).count == 3)
    }
}
