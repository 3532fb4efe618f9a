import CertificatePacks

/// Every piece of state the mock holds, so reset and the state dump cover all of
/// it from one place (a hand-kept list of stores goes stale).
public final class MockState: Sendable {
    public enum Part: String, CaseIterable, Sendable {
        /// Packs back to the fixtures' packs, id sequence restarted.
        case packs
        /// The request journal emptied.
        case journal
        /// Fault and latency rules removed.
        case faults
        /// Virtual clock back to wall time, lifecycle mode back to the configured one.
        case clock
        /// Zones and credentials added at run time removed (fixture zones restored).
        case zones
        /// Rate-limit windows forgotten and settings back to the configured ones.
        case rateLimits = "rate_limits"
    }

    public let configuration: MockConfiguration
    public let clock: VirtualClock
    public let service: CertificatePackService
    public let credentials: CredentialRegistry
    public let journal: RequestJournal
    public let faults: FaultRules
    public let rateLimiter: RateLimiter

    public init(_ configuration: MockConfiguration) {
        self.configuration = configuration
        clock = VirtualClock(mode: configuration.clockMode, start: configuration.clockStart)
        service = CertificatePackService(
            clock: clock, lifecycle: PackLifecycle(mode: configuration.lifecycleMode, durations: configuration.durations),
            idFormat: configuration.packIDFormat, seed: configuration.seed)
        credentials = CredentialRegistry(configuration.fixtures.credentials)
        journal = RequestJournal(capacity: configuration.journalCapacity)
        faults = FaultRules()
        rateLimiter = RateLimiter(configuration.rateLimit)
        for zone in configuration.fixtures.zones { service.addZone(zone) }
        loadFixturePacks()
    }

    public func reset(_ parts: Set<Part> = Set(Part.allCases)) {
        if parts.contains(.clock) {
            clock.reset()
            service.setLifecycleMode(configuration.lifecycleMode)
        }
        if parts.contains(.zones) {
            let fixtureIDs = Set(configuration.fixtures.zones.map(\.id))
            for zone in service.allZones where !fixtureIDs.contains(zone.id) { service.removeZone(zone.id) }
            for zone in configuration.fixtures.zones { service.addZone(zone) }
            credentials.reset()
        }
        if parts.contains(.packs) {
            service.removeAllPacks()
            loadFixturePacks()
        }
        if parts.contains(.journal) { journal.clear() }
        if parts.contains(.faults) { faults.removeAll() }
        if parts.contains(.rateLimits) { rateLimiter.settings = configuration.rateLimit }
    }

    private func loadFixturePacks() {
        let now = clock.now()
        for fixture in configuration.fixtures.packs {
            // An active fixture pack has finished every stage in any mode; other statuses are pinned.
            // Ordered a day (plus the stage durations) ago, so its certificates read as issued
            // yesterday and valid for `validity_days` from then, not expired decades ago.
            let d = configuration.durations
            let startedAt = now - 86_400 - (d.initializing + d.validation + d.issuance + d.deployment)
            let finished = PackTimeline(startedAt: startedAt, steps: Int.max / 2,
                                        forcedStatus: fixture.status == .active ? nil : fixture.status)
            service.insert(CertificatePack(id: fixture.id, zoneID: fixture.zoneID, order: fixture.order, scenario: .none, timeline: finished))
        }
    }
}
