import CertificatePacks
@testable import CertPackMock
import StrictJSON
import Testing

/// Order bodies as JSON, read into a draft by the API layer and checked by the domain's rules.
@Suite struct OrderValidationTests {
    let zone = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com", enterprise: false)
    let enterpriseZone = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com", enterprise: true)

    /// The verdict as the API reaches it, straight from the bytes, which must be the one
    /// reached from the parsed tree: every body in this suite checks both readings.
    func validate(_ json: String, zone: Zone? = nil, rules: Bool = true) throws -> Result<OrderRequest, OrderRejection> {
        let validator = OrderValidator(enforceAuthorityRules: rules), bytes = Array(json.utf8), zone = zone ?? self.zone
        let streamed = try validator.validate(body: bytes, zone: zone)
        #expect(streamed == validator.validate(json: try JSONReader.parse(bytes), zone: zone), "\(json)")
        return streamed
    }

    func problems(_ json: String, zone: Zone? = nil, rules: Bool = true) throws -> [OrderProblem] {
        guard case .failure(let rejection) = try validate(json, zone: zone, rules: rules) else { return [] }
        return rejection.problems
    }

    @Test func acceptsTheSeedExample() throws {
        let result = try validate(#"{"type":"advanced","hosts":["example.com","*.example.com"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#)
        let order = try result.get()
        #expect(order.hosts == ["example.com", "*.example.com"])
        #expect(order.validationMethod == .txt)
        #expect(order.validityDays == 90)
        #expect(order.certificateAuthority == .letsEncrypt)
        #expect(order.cloudflareBranding == false)
    }

    @Test func reportsEveryMissingFieldAtOnce() throws {
        let found = try problems("{}")
        #expect(found == [.missingField("type"), .missingField("hosts"), .missingField("validation_method"),
                          .missingField("certificate_authority"), .missingField("validity_days")])
        #expect(found.map(\.pointer) == ["/type", "/hosts", "/validation_method", "/certificate_authority", "/validity_days"])
    }

    @Test func rejectsNonObjectBodies() throws {
        #expect(try problems("[]") == [.bodyNotObject(found: "array")])
        #expect(try problems("\"x\"") == [.bodyNotObject(found: "string")])
    }

    @Test func checksTypesAndEnums() throws {
        let found = try problems(#"{"type":"universal","hosts":"example.com","validation_method":"dns","validity_days":"90","certificate_authority":7,"cloudflare_branding":"yes"}"#)
        #expect(found.contains(.notAllowed(field: "type", value: "universal", allowed: ["advanced"])))
        #expect(found.contains(.wrongType(field: "hosts", expected: "an array of strings", found: "string")))
        #expect(found.contains(.notAllowed(field: "validation_method", value: "dns", allowed: ["txt", "http", "email"])))
        #expect(found.contains(.wrongType(field: "validity_days", expected: "an integer", found: "string")))
        #expect(found.contains(.wrongType(field: "certificate_authority", expected: "a string", found: "number")))
        #expect(found.contains(.wrongType(field: "cloudflare_branding", expected: "a boolean", found: "string")))
        #expect(found.count == 6)
    }

    @Test(arguments: ["90", "90.0", "9e1", "900e-1"])
    func acceptsIntegralNumbersForValidityDays(_ literal: String) throws {
        let order = try validate(#"{"type":"advanced","hosts":["example.com"],"validation_method":"txt","validity_days":\#(literal),"certificate_authority":"lets_encrypt"}"#).get()
        #expect(order.validityDays == 90)
    }

    @Test func rejectsFractionalAndUnlistedValidity() throws {
        let base = #"{"type":"advanced","hosts":["example.com"],"validation_method":"txt","certificate_authority":"google","validity_days":"#
        #expect(try problems(base + "90.5}") == [.wrongType(field: "validity_days", expected: "an integer", found: "a number with a fraction")])
        #expect(try problems(base + "60}") == [.notAllowed(field: "validity_days", value: "60", allowed: ["14", "30", "90", "365"])])
        // Whole numbers beyond Int are integers all the same: not offered, rather than "a fraction".
        #expect(try problems(base + "1e400}") == [.notAllowed(field: "validity_days", value: "1e400", allowed: ["14", "30", "90", "365"])])
        #expect(try problems(base + "123456789012345678901234567890}") == [.notAllowed(field: "validity_days", value: "1234567890123456789012345678901234567890".prefix(30).description, allowed: ["14", "30", "90", "365"])])
    }

    @Test func hostRules() throws {
        let body = { (hosts: String) in #"{"type":"advanced","hosts":\#(hosts),"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"# }
        #expect(try problems(body("[]")) == [.hostCount(0)])
        #expect(try problems(body(#"["www.example.com"]"#)) == [.apexMissing(zone: "example.com")])
        #expect(try problems(body(#"["example.com","example.net"]"#)) == [.hostOutsideZone(index: 1, host: "example.net", zone: "example.com")])
        #expect(try problems(body(#"["example.com","notexample.com"]"#)) == [.hostOutsideZone(index: 1, host: "notexample.com", zone: "example.com")])
        #expect(try problems(body(#"["example.com","Example.COM"]"#)) == [.duplicateHost(index: 1, host: "Example.COM")])
        #expect(try problems(body(#"["example.com","bad host.example.com"]"#)) == [.invalidHostname(index: 1, host: "bad host.example.com")])
        #expect(try problems(body(#"["example.com","a.*.example.com"]"#)) == [.invalidHostname(index: 1, host: "a.*.example.com")])
        #expect(try problems(body(#"["example.com",5]"#)) == [.wrongType(field: "hosts/1", expected: "a string", found: "number")])
        let fifty = (1..<50).map { "\"h\($0).example.com\"" }.joined(separator: ",")
        #expect(try problems(body("[\"example.com\",\(fifty)]")).isEmpty)
        #expect(try problems(body("[\"example.com\",\(fifty),\"h50.example.com\"]")) == [.hostCount(51)])
    }

    @Test func hostsAreLowercased() throws {
        let order = try validate(#"{"type":"advanced","hosts":["EXAMPLE.com","*.Example.com"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#).get()
        #expect(order.hosts == ["example.com", "*.example.com"])
    }

    @Test func authorityRules() throws {
        let body = { (ca: String, days: Int, method: String, hosts: String) in
            #"{"type":"advanced","hosts":\#(hosts),"validation_method":"\#(method)","validity_days":\#(days),"certificate_authority":"\#(ca)"}"#
        }
        let apex = #"["example.com"]"#
        #expect(try problems(body("lets_encrypt", 30, "txt", apex)) == [.validityNotOffered(authority: .letsEncrypt, days: 30)])
        #expect(try problems(body("google", 365, "txt", apex)) == [.validityNotOffered(authority: .google, days: 365)])
        #expect(try problems(body("ssl_com", 365, "txt", apex)) == [.validityNeedsEnterprise(days: 365)])
        #expect(try problems(body("ssl_com", 365, "email", apex), zone: enterpriseZone).isEmpty)
        #expect(try problems(body("google", 90, "email", apex)) == [.methodNotOffered(authority: .google, method: .email)])
        #expect(try problems(body("google", 90, "http", #"["example.com","*.example.com"]"#)) == [.httpValidationWithWildcard(index: 1, host: "*.example.com")])
        // With the rules off only the seed's schema applies.
        #expect(try problems(body("lets_encrypt", 14, "email", #"["example.com","*.example.com"]"#), rules: false).isEmpty)
    }

    @Test func everySchemaValueIsOrderableSomewhere() throws {
        for days in allowedValidityDays {
            for method in ValidationMethod.allCases {
                let ok = try CertificateAuthority.allCases.contains { ca in
                    let hosts = method == .http ? #"["example.com"]"# : #"["example.com","*.example.com"]"#
                    return try problems(#"{"type":"advanced","hosts":\#(hosts),"validation_method":"\#(method.rawValue)","validity_days":\#(days),"certificate_authority":"\#(ca.rawValue)"}"#, zone: enterpriseZone).isEmpty
                }
                #expect(ok, "validity_days \(days) with \(method.rawValue) must be orderable from some CA")
            }
        }
    }

    @Test func hugeHostListsAreRefusedBySizeAlone() throws {
        let many = (0..<10_000).map { "\"h\($0).example.com\"" }.joined(separator: ",")
        let found = try problems(#"{"type":"advanced","hosts":[\#(many)],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#)
        #expect(found == [.hostCount(10_000)])
    }
}

/// The draft read piece by piece from the bytes must be the one read from the parsed tree:
/// strings decoded whatever they spell, other types and null named as before.
@Suite struct OrderDraftReadingTests {
    func draft(_ json: String) throws -> (streamed: OrderDraft, built: OrderDraft) {
        var streamed = OrderDraft.empty
        let other = try JSONReader.readMembers(Array(json.utf8)) { streamed.read(member: $0, &$1) }
        #expect(other == nil)
        guard case .object(let object) = try JSONReader.parse(json) else { throw JSONParseError(offset: 0, reason: .unexpectedCharacter) }
        return (streamed, OrderDraft(json: object))
    }

    @Test func knownAndUnknownValuesReadAsTheirText() throws {
        let values = ["advanced", "txt", "http", "email", "google", "lets_encrypt", "ssl_com",
                      "", "TXT", "tx", "txtt", "lets_encryp", "ssl_com ", "é", #"t\u0078t"#, #"lets\u005fencrypt"#]
        for value in values {
            let text = try #require(JSONReader.parse("\"\(value)\"").stringValue)
            let json = #"{"type":"\#(value)","validation_method":"\#(value)","certificate_authority":"\#(value)","hosts":["\#(value)"]}"#
            let (streamed, built) = try draft(json)
            #expect(streamed == built, "\(value)")
            #expect(streamed.type == .value(text) && streamed.validationMethod == .value(text) && streamed.certificateAuthority == .value(text))
            #expect(streamed.hosts == .value([.name(text)]))
        }
    }

    @Test func otherTypesAndNullReadAsBefore() throws {
        let (streamed, built) = try draft(#"{"type":null,"hosts":[1,null,"a",[],{}],"validation_method":["txt"],"validity_days":"90","certificate_authority":{},"cloudflare_branding":0}"#)
        #expect(streamed == built)
        #expect(streamed.type == .missing)
        #expect(streamed.hosts == .value([.notAString(found: "number"), .notAString(found: "null"), .name("a"), .notAString(found: "array"), .notAString(found: "object")]))
        #expect(streamed.validationMethod == .wrongType(expected: "a string", found: "array"))
        #expect(streamed.validityDays == .wrongType(expected: "an integer", found: "string"))
        #expect(streamed.certificateAuthority == .wrongType(expected: "a string", found: "object"))
        #expect(streamed.cloudflareBranding == .wrongType(expected: "a boolean", found: "number"))
        let (days, _) = try draft(#"{"validity_days":9e1,"hosts":null,"cloudflare_branding":true}"#)
        #expect(days.validityDays == .value(.integer(90)) && days.hosts == .missing && days.cloudflareBranding == .value(true))
    }
}
