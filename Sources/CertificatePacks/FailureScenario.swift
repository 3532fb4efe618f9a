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
    public static func selected(by hosts: [String]) -> FailureScenario {
        for host in hosts {
            let label = host.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            if let scenario = FailureScenario(rawValue: label), scenario != .none { return scenario }
        }
        return .none
    }
}
