import StrictJSON

/// Checks an order body against the seed's schema, the rules in its field
/// descriptions and the CA rules Cloudflare documents, collecting every problem.
public struct OrderValidator: Sendable {
    /// When false, only the seed's schema and host rules apply (no CA-specific rules).
    public var enforceAuthorityRules: Bool

    public static let maxHosts = 50

    public init(enforceAuthorityRules: Bool = true) {
        self.enforceAuthorityRules = enforceAuthorityRules
    }

    public func validate(_ body: JSONValue, zone: Zone) -> Result<OrderRequest, OrderRejection> {
        guard case .object(let object) = body else {
            return .failure(OrderRejection(problems: [.bodyNotObject(found: body.typeName)]))
        }
        var problems: [OrderProblem] = []

        if let type = field("type", in: object, &problems) {
            if case .string(let s) = type {
                if s != "advanced" { problems.append(.notAllowed(field: "type", value: s, allowed: ["advanced"])) }
            } else {
                problems.append(.wrongType(field: "type", expected: "a string", found: type.typeName))
            }
        }
        let hosts = field("hosts", in: object, &problems).flatMap { validateHosts($0, zone: zone, &problems) }
        let method: ValidationMethod? = field("validation_method", in: object, &problems).flatMap {
            enumValue($0, field: "validation_method", &problems)
        }
        let authority: CertificateAuthority? = field("certificate_authority", in: object, &problems).flatMap {
            enumValue($0, field: "certificate_authority", &problems)
        }
        let days = field("validity_days", in: object, &problems).flatMap { validateDays($0, &problems) }
        var branding = false
        if let value = object["cloudflare_branding"] {
            switch value {
            case .bool(let b): branding = b
            case .null: break
            default: problems.append(.wrongType(field: "cloudflare_branding", expected: "a boolean", found: value.typeName))
            }
        }

        if enforceAuthorityRules {
            checkAuthorityRules(authority: authority, days: days, method: method, hosts: hosts, zone: zone, &problems)
        }
        guard problems.isEmpty, let hosts, let method, let authority, let days else {
            return .failure(OrderRejection(problems: problems))
        }
        return .success(OrderRequest(hosts: hosts, validationMethod: method, validityDays: days,
                                     certificateAuthority: authority, cloudflareBranding: branding))
    }

    private func field(_ name: String, in object: JSONObject, _ problems: inout [OrderProblem]) -> JSONValue? {
        guard let value = object[name], value != .null else {
            problems.append(.missingField(name))
            return nil
        }
        return value
    }

    private func enumValue<E: RawRepresentable & CaseIterable>(_ value: JSONValue, field: String, _ problems: inout [OrderProblem]) -> E? where E.RawValue == String {
        guard case .string(let s) = value else {
            problems.append(.wrongType(field: field, expected: "a string", found: value.typeName))
            return nil
        }
        guard let e = E(rawValue: s) else {
            problems.append(.notAllowed(field: field, value: s, allowed: E.allCases.map(\.rawValue)))
            return nil
        }
        return e
    }

    private func validateDays(_ value: JSONValue, _ problems: inout [OrderProblem]) -> Int? {
        // JSON Schema's "integer" is any number with no fraction, so 90.0 and 9e1 are 90.
        guard case .number(let n) = value, let days = n.exactInteger else {
            if case .number(let n) = value, n.doubleValue.isInfinite || n.doubleValue.rounded() == n.doubleValue {
                // A whole number too large for Int (1e400, 10^30): an integer, just not an offered one.
                problems.append(.notAllowed(field: "validity_days", value: String(n.literal.prefix(40)), allowed: allowedValidityDays.map(String.init)))
                return nil
            }
            let found = value.typeName == "number" ? "a number with a fraction" : value.typeName
            problems.append(.wrongType(field: "validity_days", expected: "an integer", found: found))
            return nil
        }
        guard allowedValidityDays.contains(days) else {
            problems.append(.notAllowed(field: "validity_days", value: String(days), allowed: allowedValidityDays.map(String.init)))
            return nil
        }
        return days
    }

    private func validateHosts(_ value: JSONValue, zone: Zone, _ problems: inout [OrderProblem]) -> [String]? {
        guard case .array(let items) = value else {
            problems.append(.wrongType(field: "hosts", expected: "an array of strings", found: value.typeName))
            return nil
        }
        let before = problems.count
        if items.isEmpty || items.count > Self.maxHosts {
            problems.append(.hostCount(items.count))
            // A huge list is refused on its size alone; checking each entry would only flood the answer.
            if items.count > Self.maxHosts { return nil }
        }
        var hosts: [String] = []
        for (index, item) in items.enumerated() {
            guard case .string(let raw) = item else {
                problems.append(.wrongType(field: "hosts/\(index)", expected: "a string", found: item.typeName))
                continue
            }
            let host = Hostname.lowercased(raw)
            guard Hostname.isValid(host) else {
                problems.append(.invalidHostname(index: index, host: raw))
                continue
            }
            guard Hostname.host(host, isIn: zone.name) else {
                problems.append(.hostOutsideZone(index: index, host: raw, zone: zone.name))
                continue
            }
            // At most 50 hosts: a scan beats hashing each into a Set.
            guard !hosts.contains(host) else {
                problems.append(.duplicateHost(index: index, host: raw))
                continue
            }
            hosts.append(host)
        }
        if !items.isEmpty, !hosts.contains(zone.name) {
            problems.append(.apexMissing(zone: zone.name))
        }
        return problems.count == before ? hosts : nil
    }

    private func checkAuthorityRules(authority: CertificateAuthority?, days: Int?, method: ValidationMethod?, hosts: [String]?, zone: Zone, _ problems: inout [OrderProblem]) {
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
            for (index, host) in hosts.enumerated() where host.hasPrefix("*.") {
                problems.append(.httpValidationWithWildcard(index: index, host: host))
            }
        }
    }

    /// The CA rules for a new validation method on an existing pack (a verification PATCH).
    public func problems(switching pack: CertificatePack, to method: ValidationMethod) -> [OrderProblem] {
        guard enforceAuthorityRules else { return [] }
        var problems: [OrderProblem] = []
        checkAuthorityRules(authority: pack.certificateAuthority, days: nil, method: method, hosts: pack.hosts, zone: Zone(id: pack.zoneID, name: ""), &problems)
        return problems
    }
}
