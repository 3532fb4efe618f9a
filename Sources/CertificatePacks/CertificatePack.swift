/// A stored pack: what was ordered plus the timeline its status is computed from.
/// Nothing here changes with time; `PackLifecycle` derives the status on each read.
public struct CertificatePack: Sendable, Equatable {
    public let id: String
    public let zoneID: String
    public var hosts: [String]
    public var validationMethod: ValidationMethod
    public var validityDays: Int
    public var certificateAuthority: CertificateAuthority
    public var cloudflareBranding: Bool
    /// The failure path chosen by a magic hostname, if any.
    public var scenario: FailureScenario
    public var timeline: PackTimeline

    public init(id: String, zoneID: String, order: OrderRequest, scenario: FailureScenario, timeline: PackTimeline) {
        self.id = id
        self.zoneID = zoneID
        self.hosts = order.hosts
        self.validationMethod = order.validationMethod
        self.validityDays = order.validityDays
        self.certificateAuthority = order.certificateAuthority
        self.cloudflareBranding = order.cloudflareBranding
        self.scenario = scenario
        self.timeline = timeline
    }
}

/// When the current attempt started and how far a manual or per-read pack has been stepped.
public struct PackTimeline: Sendable, Equatable {
    /// Virtual seconds since 1970 when this validation attempt began (order or restart).
    public var startedAt: Double
    /// 0 for the first attempt; each restart (PATCH) adds one.
    public var attempt: Int
    /// Stages taken in manual and per-read modes.
    public var steps: Int
    /// A status set through the control API; wins over everything else.
    public var forcedStatus: PackStatus?

    public init(startedAt: Double, attempt: Int = 0, steps: Int = 0, forcedStatus: PackStatus? = nil) {
        self.startedAt = startedAt
        self.attempt = attempt
        self.steps = steps
        self.forcedStatus = forcedStatus
    }
}

/// A validated order body.
public struct OrderRequest: Sendable, Equatable {
    public var hosts: [String]
    public var validationMethod: ValidationMethod
    public var validityDays: Int
    public var certificateAuthority: CertificateAuthority
    public var cloudflareBranding: Bool

    public init(hosts: [String], validationMethod: ValidationMethod, validityDays: Int, certificateAuthority: CertificateAuthority, cloudflareBranding: Bool = false) {
        self.hosts = hosts
        self.validationMethod = validationMethod
        self.validityDays = validityDays
        self.certificateAuthority = certificateAuthority
        self.cloudflareBranding = cloudflareBranding
    }
}
