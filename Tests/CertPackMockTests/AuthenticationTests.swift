import CertPackMock
import Foundation
import Testing
import TestSupport

/// Every authentication outcome, with Cloudflare's real codes, over a socket.
@Suite struct AuthenticationTests {
    typealias C = TestCredentials
    let listPath = "/client/v4/zones/\(TestCredentials.zone)/ssl/certificate_packs"

    func status(_ headers: [String: String], path: String? = nil, method: String = "GET") throws -> (Int, [Int], [String: Any]) {
        let mock = try startMock()
        defer { mock.stop() }
        let r = try TestClient(port: mock.port).request(method, path ?? listPath, headers: headers, body: method == "POST" ? C.seedOrder : nil)
        return (r.status, r.errorCodes, r.json)
    }

    @Test func noCredentialsIs9106WithoutMessagesOrResult() throws {
        let (s, codes, json) = try status([:])
        #expect(s == 400 && codes == [9106])
        #expect(json["messages"] == nil && json["result"] == nil)
        #expect((json["errors"] as? [[String: Any]])?.first?["message"] as? String == "Missing X-Auth-Key, X-Auth-Email or Authorization headers")
    }

    @Test func listedCredentialsWork() throws {
        #expect(try status(C.edit).0 == 200)
        #expect(try status(["Authorization": "Bearer Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"]).0 == 200)
        #expect(try status(["X-Auth-Email": "user@example.com", "X-Auth-Key": "144c9defac04969c7bfad8efaa8ea194"]).0 == 200)
        #expect(try status(["X-Auth-Email": "ADMIN@example.com", "X-Auth-Key": "0123456789abcdef0123456789abcdef01234"]).0 == 200)
        #expect(try status(["Authorization": "bearer certpackmock-ssl-edit-000000000000000000"]).0 == 200)
    }

    @Test func malformedHeadersAre6003WithTheirChain() throws {
        let (s, codes, json) = try status(["X-Auth-Email": "not-an-email", "X-Auth-Key": "short"])
        #expect(s == 400 && codes == [6003])
        let chain = ((json["errors"] as? [[String: Any]])?.first?["error_chain"] as? [[String: Any]])?.compactMap { $0["code"] as? Int }
        #expect(chain == [6102, 6103])
        #expect(try status(["Authorization": "Basic dXNlcjpwYXNz"]).1 == [6003])
        #expect(try status(["Authorization": "Bearer has spaces in it"]).1 == [6003])
    }

    @Test func unknownButWellFormedCredentials() throws {
        #expect(try status(["Authorization": "Bearer " + String(repeating: "x", count: 40)]) .1 == [9109])
        let (s, codes, _) = try status(["X-Auth-Email": "someone@example.com", "X-Auth-Key": String(repeating: "a", count: 37)])
        #expect(s == 403 && codes == [9103])
    }

    @Test func permissionsAndZoneScopeAre10000() throws {
        let (s, codes, json) = try status(C.read, path: C.orderPath, method: "POST")
        #expect(s == 403 && codes == [10000])
        #expect(json["messages"] == nil)
        #expect(try status(["Authorization": "Bearer certpackmock-example-net-000000000000000"]).1 == [10000])
    }
}
