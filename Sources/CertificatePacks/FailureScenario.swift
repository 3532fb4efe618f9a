/// Failure paths a test reaches by ordering a magic hostname (like Stripe's test
/// card numbers): the first label of any host in the order picks the scenario.
public enum FailureScenario: String, Sendable, CaseIterable {
    case none
    /// `validation-timeout.<zone>`: validation never completes; ends in `validation_timed_out`.
    case validationTimeout = "validation-timeout"
    /// `validation-fails-once.<zone>`: the first attempt times out in validation, a restart (PATCH) succeeds.
    case validationFailsOnce = "validation-fails-once"
    /// `issuance-timeout.<zone>`: validated, but the CA never issues; ends in `issuance_timed_out`.
    case issuanceTimeout = "issuance-timeout"
    /// `ca-rate-limit.<zone>`: the CA refuses with its rate-limit message; ends in `issuance_timed_out`.
    case caRateLimit = "ca-rate-limit"

    /// The scenario the hosts of an order select (the first magic label found wins).
    public static func selected(by hosts: HostList) -> FailureScenario {
        var found = FailureScenario.none
        hosts.forEach { host in
            if found == .none { found = selected(byHost: host) }
        }
        return found
    }

    public static func selected(by hosts: [String]) -> FailureScenario {
        selected(by: HostList(hosts))
    }

    /// The scenario one host's first label selects, if any.
    static func selected(byHost host: UnsafeBufferPointer<UInt8>) -> FailureScenario {
        // Most hosts are not magic: their first byte starts no prefix, which is cheap to see.
        guard let first = host.first, prefixes.contains(where: { $0.0[0] == first }) else { return .none }
        for (prefix, scenario) in prefixes where host.starts(with: prefix) { return scenario }
        return .none
    }

    /// "validation-timeout." and so on, as bytes, built once.
    private static let prefixes: [([UInt8], FailureScenario)] = allCases.filter { $0 != .none }.map { (Array(($0.rawValue + ".").utf8), $0) }
}
