@testable import CertPackMock
import HTTPServer
import Testing

/// Routing and header parsing, checked byte by byte since both scan raw UTF-8.
@Suite struct RequestSyntaxTests {
    let zone = "023e105f4ecef8ad9ca31a8372d0c353"

    @Test func routesOfTheNewOperations() {
        for prefix in ["", "/client/v4"] {
            #expect(Route(path: "\(prefix)/zones/z/ssl/verification"[...]) == .verifications(zone: "z"))
            #expect(Route(path: "\(prefix)/zones/z/ssl/verification/p"[...]) == .verification(zone: "z", id: "p"))
            #expect(Route(path: "\(prefix)/zones/z/dcv_delegation/uuid"[...]) == .dcvDelegationUUID(zone: "z"))
        }
        for unknown in ["/zones/z/ssl/verification/p/x", "/zones/z/dcv_delegation", "/zones/z/dcv_delegation/uuid/x", "/zones/z/ssl"] {
            #expect(Route(path: unknown[...]) == .unknown, "\(unknown)")
        }
    }

    @Test func routesUnderClientV4AndAtTheRoot() {
        for prefix in ["", "/client/v4"] {
            #expect(Route(path: "\(prefix)/zones/\(zone)/ssl/certificate_packs"[...]) == .listPacks(zone: zone[...]))
            #expect(Route(path: "\(prefix)/zones/\(zone)/ssl/certificate_packs/"[...]) == .listPacks(zone: zone[...]))
            #expect(Route(path: "\(prefix)/zones/\(zone)/ssl/certificate_packs/order"[...]) == .orderPack(zone: zone[...]))
            #expect(Route(path: "\(prefix)/zones/\(zone)/ssl/certificate_packs/quota"[...]) == .quota(zone: zone[...]))
            #expect(Route(path: "\(prefix)/zones/z/ssl/certificate_packs/p1"[...]) == .pack(zone: "z", id: "p1"))
        }
        #expect(Route(path: "/__mock/clock/advance"[...]) == .control(["clock", "advance"]))
        #expect(Route(path: "/__mock/"[...]) == .control([]))
        for unknown in ["", "/", "zones/z/ssl/certificate_packs", "/client/v4", "/client/v5/zones/z/ssl/certificate_packs",
                        "/zones/z/ssl/certificate_packs/a/b", "/zones/z/SSL/certificate_packs",
                        "/zones/é/ssl/certificate_packs/ordér/x"] {
            #expect(Route(path: unknown[...]) == .unknown, "\(unknown)")
        }
        // Only one trailing slash goes; the empty id left here is refused later (7003).
        #expect(Route(path: "/zones/z/ssl/certificate_packs//"[...]) == .pack(zone: "z", id: ""))
        // Segments keep their bytes, whatever they are: the zone check comes later.
        #expect(Route(path: "/zones/é%20/ssl/certificate_packs/ïd"[...]) == .pack(zone: "é%20", id: "ïd"))
    }

    @Test func pathAndQuerySplitAtTheFirstQuestionMark() {
        var request = HTTPRequest(method: "GET", target: "/zones/z/ssl/certificate_packs?status=all&x=?")
        #expect(request.path == "/zones/z/ssl/certificate_packs" && request.query == "status=all&x=?")
        request.target = "/plain"
        #expect(request.path == "/plain" && request.query == nil)
        request.target = "/é?"
        #expect(request.path == "/é" && request.query == "")
    }

    @Test func bearerTokensAreFoundWhateverTheSchemeCaseAndSpaces() {
        func token(_ value: String) -> String? {
            Array(value.utf8).withUnsafeBufferPointer { Authenticator.bearerToken($0).map { String(decoding: $0, as: UTF8.self) } }
        }
        #expect(token("Bearer abc") == "abc")
        #expect(token("  bEaReR    abc  ") == "abc")
        #expect(token("Bearer a b") == "a b")
        for refused in ["", "Bearer", "Bearer ", "Bearer     ", "Basic abc", "Bearerabc", "Bearér abc", "Token abc"] {
            #expect(token(refused) == nil, "\(refused)")
        }
    }

    @Test func tokensLookLikeCloudflaresOrNot() {
        func looksLikeToken(_ value: String) -> Bool {
            Array(value.utf8).withUnsafeBufferPointer(Authenticator.looksLikeToken)
        }
        let forty = String(String(repeating: "aZ09_-", count: 7).prefix(40))
        #expect(looksLikeToken(String(forty)))
        #expect(looksLikeToken("cfat_" + forty) && looksLikeToken("cfat_" + forty + "x"))
        for refused in ["", "cfat_", String(forty.dropLast()), forty + "x", "CFAT_" + forty, "cfat_" + forty.dropLast(), forty.dropLast() + ".", forty.dropLast() + "é"] {
            #expect(!looksLikeToken(refused), "\(refused)")
        }
    }

    @Test func jsonMediaTypesAcceptParametersAndAnyCase() {
        for json in ["application/json", "Application/JSON", " application/json", "application/json; charset=utf-8", "application/json ;x"] {
            #expect(Array(json.utf8).withUnsafeBufferPointer(CloudflareAPI.isJSONMediaType), "\(json)")
        }
        for other in ["", "application/jso", "application/jsonx", "application/json-patch+json", "text/plain", "applicatión/json"] {
            #expect(!Array(other.utf8).withUnsafeBufferPointer(CloudflareAPI.isJSONMediaType), "\(other)")
        }
    }

    @Test func headerNamesMatchIgnoringASCIICaseOnly() {
        let headers = HTTPHeaders([("content-TYPE", "a"), ("Authorization", "b"), ("X-Auth-Émail", "c")])
        #expect(headers["Content-Type"] == "a" && headers["AUTHORIZATION"] == "b")
        #expect(headers["Content-Typ"] == nil && headers["X-Auth-émail"] == nil)
    }
}
