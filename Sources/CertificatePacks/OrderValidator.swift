import ASCIIBytes
/// Checks an order draft against the seed's schema, the rules in its field
/// descriptions and the CA rules Cloudflare documents, collecting every problem.
public struct OrderValidator: Sendable {
    /// When false, only the seed's schema and host rules apply (no CA-specific rules).
    public var enforceAuthorityRules: Bool

    public static let maxHosts = 50

    public init(enforceAuthorityRules: Bool = true) {
        self.enforceAuthorityRules = enforceAuthorityRules
    }

    public func validate(_ draft: OrderDraft, zone: Zone) -> Result<OrderRequest, OrderRejection> {
        var problems: [OrderProblem] = []

        if let type = field("type", draft.type, &problems), type != "advanced" {
            problems.append(.notAllowed(field: "type", value: type, allowed: ["advanced"]))
        }
        let hosts = field("hosts", draft.hosts, &problems).flatMap { validateHosts($0, zone: zone, &problems) }
        let method: ValidationMethod? = field("validation_method", draft.validationMethod, &problems).flatMap {
            enumValue($0, field: "validation_method", &problems)
        }
        let authority: CertificateAuthority? = field("certificate_authority", draft.certificateAuthority, &problems).flatMap {
            enumValue($0, field: "certificate_authority", &problems)
        }
        let days = field("validity_days", draft.validityDays, &problems).flatMap { validateDays($0, &problems) }
        var branding = false
        switch draft.cloudflareBranding {
        case .missing: break
        case .value(let b): branding = b
        case .wrongType(let expected, let found): problems.append(.wrongType(field: "cloudflare_branding", expected: expected, found: found))
        }

        if enforceAuthorityRules {
            checkAuthorityRules(authority: authority, days: days, method: method, hosts: hosts, zone: zone, &problems)
        }
        guard problems.isEmpty, let hosts, let method, let authority, let days else {
            return .failure(OrderRejection(problems: problems))
        }
        return .success(OrderRequest(hostList: hosts, validationMethod: method, validityDays: days,
                                     certificateAuthority: authority, cloudflareBranding: branding))
    }

    private func field<T>(_ name: String, _ field: OrderDraft.Field<T>, _ problems: inout [OrderProblem]) -> T? {
        switch field {
        case .missing:
            problems.append(.missingField(name))
            return nil
        case .wrongType(let expected, let found):
            problems.append(.wrongType(field: name, expected: expected, found: found))
            return nil
        case .value(let value):
            return value
        }
    }

    private func enumValue<E: RawRepresentable & CaseIterable>(_ s: String, field: String, _ problems: inout [OrderProblem]) -> E? where E.RawValue == String {
        // A scan rather than `E(rawValue:)`'s string switch: every raw value is a small
        // string, so a match is decided by identical bits and a mismatch by a word compare.
        for e in E.allCases where e.rawValue == s { return e }
        problems.append(.notAllowed(field: field, value: s, allowed: E.allCases.map(\.rawValue)))
        return nil
    }

    private func validateDays(_ value: OrderDraft.Days, _ problems: inout [OrderProblem]) -> Int? {
        switch value {
        case .tooLarge(let literal):
            problems.append(.notAllowed(field: "validity_days", value: String(literal.prefix(40)), allowed: allowedValidityDays.map(String.init)))
            return nil
        case .integer(let days):
            guard allowedValidityDays.contains(days) else {
                problems.append(.notAllowed(field: "validity_days", value: String(days), allowed: allowedValidityDays.map(String.init)))
                return nil
            }
            return days
        }
    }

    /// The hosts lowercased, written straight into the list's string as they pass, so a
    /// valid order's hosts cost one allocation (no array of strings, no join).
    private func validateHosts(_ items: [OrderDraft.Host], zone: Zone, _ problems: inout [OrderProblem]) -> HostList? {
        let before = problems.count
        if items.isEmpty || items.count > Self.maxHosts {
            problems.append(.hostCount(items.count))
            // A huge list is refused on its size alone; checking each entry would only flood the answer.
            if items.count > Self.maxHosts { return nil }
        }
        // Room for every name and a comma after each.
        var capacity = 0
        for case .name(let raw) in items { capacity += raw.utf8.count + 1 }
        var hasApex = false
        let hosts = ASCII.withUTF8(zone.name) { zoneName in
            HostList.build(capacity: capacity) { hosts in
                for (index, item) in items.enumerated() {
                    guard case .name(let raw) = item else {
                        if case .notAString(let found) = item { problems.append(.wrongType(field: "hosts/\(index)", expected: "a string", found: found)) }
                        continue
                    }
                    ASCII.withUTF8(raw) { bytes in
                        let verdict = Hostname.check(utf8: bytes)
                        guard verdict != .invalid else {
                            problems.append(.invalidHostname(index: index, host: raw))
                            return
                        }
                        hosts.append(bytes, lowercasing: verdict == .validOnceLowercased)
                        guard Hostname.host(utf8: hosts.last, isIn: zoneName) else {
                            problems.append(.hostOutsideZone(index: index, host: raw, zone: zone.name))
                            hosts.removeLast()
                            return
                        }
                        // At most 50 hosts: a scan beats hashing each into a Set.
                        guard !hosts.lastIsRepeated() else {
                            problems.append(.duplicateHost(index: index, host: raw))
                            hosts.removeLast()
                            return
                        }
                        // A host in the zone that is as long as the apex is the apex: no second compare.
                        if bytes.count == zoneName.count { hasApex = true }
                    }
                }
            }
        }
        if !items.isEmpty, !hasApex {
            problems.append(.apexMissing(zone: zone.name))
        }
        return problems.count == before ? hosts : nil
    }

    private func checkAuthorityRules(authority: CertificateAuthority?, days: Int?, method: ValidationMethod?, hosts: HostList?, zone: Zone, _ problems: inout [OrderProblem]) {
        if let authority, let days {
            if !authority.validityDays.contains(days) {
                problems.append(.validityNotOffered(authority: authority, days: days))
            } else if days == 365 && !zone.enterprise {
                problems.append(.validityNeedsEnterprise(days: days))
            }
        }
        if let authority, method == .email, authority != .sslCom {
            problems.append(.methodNotOffered(authority: authority, method: .email))
        }
        if method == .http, let hosts {
            var index = 0
            hosts.forEach { host in
                if host.starts(with: "*.".utf8) {
                    problems.append(.httpValidationWithWildcard(index: index, host: String(decoding: host, as: UTF8.self)))
                }
                index += 1
            }
        }
    }

    /// The CA rules for a new validation method on an existing pack (a verification PATCH).
    public func problems(switching pack: CertificatePack, to method: ValidationMethod) -> [OrderProblem] {
        guard enforceAuthorityRules else { return [] }
        var problems: [OrderProblem] = []
        checkAuthorityRules(authority: pack.certificateAuthority, days: nil, method: method, hosts: pack.hostList, zone: Zone(id: pack.zoneID, name: ""), &problems)
        return problems
    }
}
