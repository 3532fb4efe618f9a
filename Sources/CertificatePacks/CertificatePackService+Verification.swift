/// The SSL verification operations and direct creation of packs, under the service's lock.
extension CertificatePackService {
    /// `GET /ssl/verification`: the zone's packs as they read now, oldest first; with
    /// `retry` every pack waiting on validation is rechecked first.
    public func verifications(zoneID: String, retry: Bool) -> [PackSnapshot] {
        state.withLock { s in
            let now = clock.now()
            return s.store.packs(inZone: zoneID).map { pack in
                var pack = pack
                if retry, let timeline = s.lifecycle.rechecked(pack, at: now) {
                    pack.timeline = timeline
                    s.store.update(pack)
                }
                return s.lifecycle.snapshot(of: pack, at: now)
            }
        }
    }

    /// `PATCH /ssl/verification/{id}`. The current method is an immediate recheck; another
    /// method restarts validation with that method's records. Refused once the certificate
    /// is issued (and, for a new method, once validation has passed).
    @inlinable
    public func changeValidation(_ id: some StringProtocol, zoneID: String, to method: ValidationMethod,
                                 rules: OrderValidator) throws -> PackSnapshot {
        guard let packID = PackID(id) else { throw Failure.packNotFound }
        return try changeValidation(packID, zoneID: zoneID, to: method, rules: rules)
    }

    public func changeValidation(_ packID: PackID, zoneID: String, to method: ValidationMethod,
                                 rules: OrderValidator) throws -> PackSnapshot {
        try state.withLock { s in
            guard var pack = s.store.pack(packID, zoneID: zoneID) else { throw Failure.packNotFound }
            let now = clock.now()
            let shown = s.lifecycle.status(of: pack, at: now)
            if method == pack.validationMethod {
                if let timeline = s.lifecycle.rechecked(pack, at: now) {
                    pack.timeline = timeline
                } else if !shown.isPastValidation {
                    throw Failure.validationMethodLocked(shown)
                }
            } else {
                guard shown.awaitsValidation else { throw Failure.validationMethodLocked(shown) }
                let problems = rules.problems(switching: pack, to: method)
                guard problems.isEmpty else { throw Failure.methodNotOffered(problems) }
                pack.validationMethod = method
                pack.timeline = s.lifecycle.restartingValidation(pack, at: now)
            }
            s.store.update(pack)
            return s.lifecycle.snapshot(of: pack, at: now)
        }
    }

    /// Stores a pack as the draft describes it, bypassing the order rules and the quota.
    public func create(_ draft: PackDraft) throws -> PackSnapshot {
        try state.withLock { s in
            guard s.store.zone(draft.zoneID) != nil else { throw Failure.unknownZone }
            let packID: PackID
            if let id = draft.id {
                guard let parsed = PackID(id) else { throw Failure.invalidPackID }
                guard !s.store.contains(parsed) else { throw Failure.packExists }
                packID = parsed
            } else {
                var drawn = s.ids.packID(idFormat)
                while s.store.contains(drawn) { drawn = s.ids.packID(idFormat) }
                packID = drawn
            }
            let now = clock.now()
            let scenario = FailureScenario.selected(by: draft.order.hostList)
            var pack = CertificatePack(packID: packID, zoneID: draft.zoneID, order: draft.order, scenario: scenario,
                                       timeline: PackTimeline(startedAt: now))
            let stages = PackLifecycle.stages(for: scenario, attempt: 0)
            let entered = now - max(draft.secondsInStatus, 0)
            if !draft.pinned, let index = stages.firstIndex(of: draft.status) {
                pack.timeline = s.lifecycle.timeline(of: pack, atStartOf: index, at: entered)
            } else {
                // Pinned: its timeline is finished, so certificates read as issued when it entered the status.
                pack.timeline = s.lifecycle.timeline(of: pack, atStartOf: stages.count - 1, at: entered)
                pack.timeline.forcedStatus = draft.status
            }
            s.store.insert(pack)
            return s.lifecycle.snapshot(of: pack, at: now)
        }
    }
}
