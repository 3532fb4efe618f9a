import CertificatePacks
import Testing

/// The order rules on typed drafts: the domain's side, with no JSON in sight.
@Suite struct OrderDraftTests {
    let zone = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com")

    func draft(hosts: [OrderDraft.Host] = [.name("example.com")], days: OrderDraft.Field<OrderDraft.Days> = .value(.integer(90))) -> OrderDraft {
        OrderDraft(type: .value("advanced"), hosts: .value(hosts), validationMethod: .value("txt"),
                   certificateAuthority: .value("lets_encrypt"), validityDays: days)
    }

    @Test func aValidDraftBecomesAnOrder() throws {
        let order = try OrderValidator().validate(draft(hosts: [.name("Example.COM"), .name("*.example.com")]), zone: zone).get()
        #expect(order == OrderRequest(hosts: ["example.com", "*.example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt))
    }

    @Test func fieldsMissingOrOfTheWrongTypeAreProblemsNamedByPointer() {
        let bad = OrderDraft(type: .missing, hosts: .value([.name("example.com"), .notAString(found: "a number")]),
                             validationMethod: .wrongType(expected: "a string", found: "a boolean"), certificateAuthority: .value("acme"),
                             validityDays: .value(.tooLarge(literal: "1e400")), cloudflareBranding: .wrongType(expected: "a boolean", found: "a string"))
        guard case .failure(let rejection) = OrderValidator().validate(bad, zone: zone) else { Issue.record("accepted"); return }
        #expect(rejection.problems.map(\.pointer) == ["/type", "/hosts/1", "/validation_method", "/certificate_authority", "/validity_days", "/cloudflare_branding"])
        #expect(rejection.problems[4] == .notAllowed(field: "validity_days", value: "1e400", allowed: ["14", "30", "90", "365"]))
    }
}
