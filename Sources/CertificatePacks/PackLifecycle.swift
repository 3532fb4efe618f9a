/// How packs move through their stages.
public enum LifecycleMode: String, Sendable, CaseIterable {
    /// Each stage lasts its configured duration of virtual time.
    case timed
    /// A new pack is already at its final stage.
    case immediate
    /// Packs move only when the control API steps them.
    case manual
    /// Every GET of a pack moves it one stage (for polling tests).
    case perRead = "per-read"
}

/// Seconds each transient stage lasts in timed mode.
public struct LifecycleDurations: Sendable, Equatable {
    public var initializing: Double
    public var validation: Double
    public var issuance: Double
    public var deployment: Double

    public init(initializing: Double = 1, validation: Double = 2, issuance: Double = 1, deployment: Double = 1) {
        self.initializing = initializing
        self.validation = validation
        self.issuance = issuance
        self.deployment = deployment
    }

    func duration(of status: PackStatus) -> Double {
        switch status {
        case .initializing: return initializing
        case .pendingValidation: return validation
        case .pendingIssuance: return issuance
        case .pendingDeployment: return deployment
        default: return .infinity
        }
    }
}

/// The status of a pack as a pure function of its timeline, the mode and "now":
/// no timers, so the virtual clock and per-read stepping need nothing running.
public struct PackLifecycle: Sendable, Equatable {
    public var mode: LifecycleMode
    public var durations: LifecycleDurations

    public init(mode: LifecycleMode = .timed, durations: LifecycleDurations = LifecycleDurations()) {
        self.mode = mode
        self.durations = durations
    }

    static let success: [PackStatus] = [.initializing, .pendingValidation, .pendingIssuance, .pendingDeployment, .active]
    static let validationFailure: [PackStatus] = [.initializing, .pendingValidation, .validationTimedOut]
    static let issuanceFailure: [PackStatus] = [.initializing, .pendingValidation, .pendingIssuance, .issuanceTimedOut]

    /// The stages this attempt of the pack goes through, the last one final.
    public static func stages(for scenario: FailureScenario, attempt: Int) -> [PackStatus] {
        switch scenario {
        case .none: return success
        case .validationTimeout: return validationFailure
        case .validationFailsOnce: return attempt == 0 ? validationFailure : success
        case .issuanceTimeout, .caRateLimit: return issuanceFailure
        }
    }

    /// Index into `stages` the pack has reached.
    public func stageIndex(of pack: CertificatePack, at now: Double) -> Int {
        stageIndex(scenario: pack.scenario, timeline: pack.timeline, at: now)
    }

    /// `stageIndex(of:at:)` from the two things of a pack it reads.
    func stageIndex(scenario: FailureScenario, timeline: PackTimeline, at now: Double) -> Int {
        let stages = Self.stages(for: scenario, attempt: timeline.attempt)
        let last = stages.count - 1
        switch mode {
        case .immediate: return last
        case .manual, .perRead: return min(max(timeline.steps, 0), last)
        case .timed:
            var elapsed = now - timeline.startedAt
            for (index, status) in stages.enumerated() where index < last {
                let d = durations.duration(of: status)
                if elapsed < d { return index }
                elapsed -= d
            }
            return last
        }
    }

    /// The status a read at `now` shows.
    public func status(of pack: CertificatePack, at now: Double) -> PackStatus {
        status(scenario: pack.scenario, timeline: pack.timeline, at: now)
    }

    /// `status(of:at:)` from the two things of a pack it reads.
    func status(scenario: FailureScenario, timeline: PackTimeline, at now: Double) -> PackStatus {
        if let forced = timeline.forcedStatus { return forced }
        return Self.stages(for: scenario, attempt: timeline.attempt)[stageIndex(scenario: scenario, timeline: timeline, at: now)]
    }

    /// Virtual time at which stage `index` begins in timed mode.
    public func startOfStage(_ index: Int, of pack: CertificatePack) -> Double {
        let stages = Self.stages(for: pack.scenario, attempt: pack.timeline.attempt)
        var t = pack.timeline.startedAt
        for status in stages.prefix(index) { t += durations.duration(of: status) }
        return t
    }

    /// Rewrites a timeline so the pack keeps its current stage under `newMode`
    /// (switching modes must not make packs jump back or forward).
    public func timeline(of pack: CertificatePack, carriedTo newMode: LifecycleMode, at now: Double) -> PackTimeline {
        var timeline = pack.timeline
        let index = stageIndex(of: pack, at: now)
        timeline.steps = index
        if newMode == .timed {
            let next = PackLifecycle(mode: .timed, durations: durations)
            let offset = next.startOfStage(index, of: pack) - pack.timeline.startedAt
            timeline.startedAt = now - offset
        }
        return timeline
    }
}
