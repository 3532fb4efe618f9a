/// A stored pack: what was ordered plus the timeline its status is computed from.
/// Nothing here changes with time; `PackLifecycle` derives the status on each read.
public struct CertificatePack: Sendable, Equatable {
    /// The id's bits: the text is made only when someone asks for `id`.
    public let packID: PackID
    public let zoneID: String
    /// The hosts as the store keeps them: one string, shared with the stored record.
    public var hostList: HostList
    public var validationMethod: ValidationMethod
    public var validityDays: Int
    public var certificateAuthority: CertificateAuthority
    public var cloudflareBranding: Bool
    /// The failure path chosen by a magic hostname, if any.
    public var scenario: FailureScenario
    public var timeline: PackTimeline

    /// `id` must be a pack id (32 lowercase hex digits or a UUID): callers check it first.
    public init(id: String, zoneID: String, order: OrderRequest, scenario: FailureScenario, timeline: PackTimeline) {
        guard let packID = PackID(id) else { preconditionFailure("'\(id)' is not a pack id") }
        self.init(packID: packID, zoneID: zoneID, order: order, scenario: scenario, timeline: timeline)
    }

    public init(packID: PackID, zoneID: String, order: OrderRequest, scenario: FailureScenario, timeline: PackTimeline) {
        self.packID = packID
        self.zoneID = zoneID
        self.hostList = order.hostList
        self.validationMethod = order.validationMethod
        self.validityDays = order.validityDays
        self.certificateAuthority = order.certificateAuthority
        self.cloudflareBranding = order.cloudflareBranding
        self.scenario = scenario
        self.timeline = timeline
    }

    /// The id as the API shows it.
    public var id: String { packID.text }

    /// The hosts one by one, made on each call (hot paths read `hostList`).
    public var hosts: [String] {
        get { hostList.names }
        set { hostList = HostList(newValue) }
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
    public var hostList: HostList
    public var validationMethod: ValidationMethod
    public var validityDays: Int
    public var certificateAuthority: CertificateAuthority
    public var cloudflareBranding: Bool

    public init(hosts: [String], validationMethod: ValidationMethod, validityDays: Int, certificateAuthority: CertificateAuthority, cloudflareBranding: Bool = false) {
        self.init(hostList: HostList(hosts), validationMethod: validationMethod, validityDays: validityDays,
                  certificateAuthority: certificateAuthority, cloudflareBranding: cloudflareBranding)
    }

    public init(hostList: HostList, validationMethod: ValidationMethod, validityDays: Int, certificateAuthority: CertificateAuthority, cloudflareBranding: Bool = false) {
        self.hostList = hostList
        self.validationMethod = validationMethod
        self.validityDays = validityDays
        self.certificateAuthority = certificateAuthority
        self.cloudflareBranding = cloudflareBranding
    }
}

extension OrderRequest {
    /// The hosts one by one, made on each call (hot paths read `hostList`).
    public var hosts: [String] {
        get { hostList.names }
        set { hostList = HostList(newValue) }
    }
}
