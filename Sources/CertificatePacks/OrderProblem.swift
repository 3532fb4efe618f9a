/// One thing wrong with an order body. Each names the field (as a JSON pointer)
/// so a client learns every problem in one round trip.
public enum OrderProblem: Sendable, Equatable {
    case bodyNotObject(found: String)
    case missingField(String)
    case wrongType(field: String, expected: String, found: String)
    case notAllowed(field: String, value: String, allowed: [String])
    case hostCount(Int)
    case invalidHostname(index: Int, host: String)
    case hostOutsideZone(index: Int, host: String, zone: String)
    case apexMissing(zone: String)
    case duplicateHost(index: Int, host: String)
    case validityNotOffered(authority: CertificateAuthority, days: Int)
    case validityNeedsEnterprise(days: Int)
    case methodNotOffered(authority: CertificateAuthority, method: ValidationMethod)
    case httpValidationWithWildcard(index: Int, host: String)

    /// JSON pointer (RFC 6901) of the field at fault.
    public var pointer: String {
        switch self {
        case .bodyNotObject: return ""
        case .missingField(let f), .wrongType(let f, _, _), .notAllowed(let f, _, _): return "/" + f
        case .hostCount, .apexMissing: return "/hosts"
        case .invalidHostname(let i, _), .hostOutsideZone(let i, _, _), .duplicateHost(let i, _),
             .httpValidationWithWildcard(let i, _): return "/hosts/\(i)"
        case .validityNotOffered, .validityNeedsEnterprise: return "/validity_days"
        case .methodNotOffered: return "/validation_method"
        }
    }

    public var message: String {
        switch self {
        case .bodyNotObject(let found):
            return "Request body must be a JSON object, found \(found)."
        case .missingField(let f):
            return "\(f): this field is required."
        case .wrongType(let f, let expected, let found):
            return "\(f): must be \(expected), found \(found)."
        case .notAllowed(let f, let value, let allowed):
            return "\(f): \(value) is not one of \(allowed.joined(separator: ", "))."
        case .hostCount(let n):
            return n == 0 ? "hosts: must not be empty." : "hosts: may not contain more than 50 hosts, found \(n)."
        case .invalidHostname(_, let host):
            return "hosts: \(quoted(host)) is not a valid hostname."
        case .hostOutsideZone(_, let host, let zone):
            return "hosts: \(quoted(host)) is not in the zone \(zone)."
        case .apexMissing(let zone):
            return "hosts: must contain the zone apex \(zone)."
        case .duplicateHost(_, let host):
            return "hosts: \(quoted(host)) is listed more than once."
        case .validityNotOffered(let ca, let days):
            let allowed = ca.validityDays.filter { $0 != 365 || ca == .sslCom }.map(String.init).joined(separator: ", ")
            return "validity_days: \(days) is not offered by \(ca.rawValue) (offers \(allowed))."
        case .validityNeedsEnterprise(let days):
            return "validity_days: \(days) days is available only to Enterprise zones (with ssl_com)."
        case .methodNotOffered(let ca, let method):
            return "validation_method: \(method.rawValue) is not offered by \(ca.rawValue) (use txt or http)."
        case .httpValidationWithWildcard(_, let host):
            return "validation_method: http cannot validate the wildcard \(quoted(host)); use txt."
        }
    }

    private func quoted(_ s: String) -> String {
        let shown = s.count > 80 ? String(s.prefix(80)) + "…" : s
        return "'" + shown + "'"
    }
}

/// Every problem found in one order body.
public struct OrderRejection: Error, Equatable {
    public var problems: [OrderProblem]
    public init(problems: [OrderProblem]) { self.problems = problems }
}
