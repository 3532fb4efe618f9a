/// Moves made by the SSL verification calls and by packs created directly. Each returns a
/// new timeline and leaves the virtual clock alone: a pack jumps, time does not.
extension PackLifecycle {
    /// The pack placed at the start of stage `index` of its current attempt as of `now`,
    /// released from any pin. Holds in every mode: timed reads the start, manual and
    /// per-read read the step count.
    public func timeline(of pack: CertificatePack, atStartOf index: Int, at now: Double) -> PackTimeline {
        var timeline = pack.timeline
        timeline.forcedStatus = nil
        timeline.steps = index
        timeline.startedAt = now - (startOfStage(index, of: pack) - pack.timeline.startedAt)
        return timeline
    }

    /// A new attempt that starts in `pending_validation` now (new tokens: they derive from the attempt).
    public func restartingValidation(_ pack: CertificatePack, at now: Double) -> PackTimeline {
        var restarted = pack
        restarted.timeline = PackTimeline(startedAt: now, attempt: pack.timeline.attempt + 1)
        let stages = Self.stages(for: pack.scenario, attempt: restarted.timeline.attempt)
        return timeline(of: restarted, atStartOf: stages.firstIndex(of: .pendingValidation) ?? 0, at: now)
    }

    /// An immediate recheck (a PATCH with the current method, or `retry=true`): the CA
    /// looks for the records now. Where this attempt validates, validation ends now and the
    /// pack is in `pending_issuance`; where it is meant to fail (a magic hostname), the
    /// records are still not found and it keeps waiting. A timed-out validation starts a new
    /// attempt first. nil when the pack is not waiting on validation.
    public func rechecked(_ pack: CertificatePack, at now: Double) -> PackTimeline? {
        let shown = status(of: pack, at: now)
        guard shown.awaitsValidation else { return nil }
        var current = pack
        if shown == .validationTimedOut || shown == .initializingTimedOut {
            current.timeline = restartingValidation(pack, at: now)
        }
        let stages = Self.stages(for: current.scenario, attempt: current.timeline.attempt)
        guard let issuance = stages.firstIndex(of: .pendingIssuance) else { return current.timeline }
        return timeline(of: current, atStartOf: issuance, at: now)
    }
}
