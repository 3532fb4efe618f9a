import CertificatePacks
import Testing

@Suite struct PackLifecycleTests {
    let order = OrderRequest(hosts: ["example.com", "*.example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt)

    func pack(_ scenario: FailureScenario = .none, startedAt: Double = 1000) -> CertificatePack {
        CertificatePack(id: "0123456789abcdef0123456789abcdef", zoneID: "z", order: order, scenario: scenario, timeline: PackTimeline(startedAt: startedAt))
    }

    @Test func timedModeWalksEveryStage() {
        let lifecycle = PackLifecycle(mode: .timed, durations: LifecycleDurations(initializing: 1, validation: 2, issuance: 1, deployment: 1))
        let p = pack()
        let seen = [0, 0.99, 1, 2.99, 3, 4, 4.99, 5, 1e6].map { lifecycle.status(of: p, at: 1000 + $0) }
        #expect(seen == [.initializing, .initializing, .pendingValidation, .pendingValidation, .pendingIssuance,
                         .pendingDeployment, .pendingDeployment, .active, .active])
    }

    @Test func failureScenariosEndInTimeouts() {
        let lifecycle = PackLifecycle(mode: .timed)
        #expect(lifecycle.status(of: pack(.validationTimeout), at: 1e9) == .validationTimedOut)
        #expect(lifecycle.status(of: pack(.issuanceTimeout), at: 1e9) == .issuanceTimedOut)
        #expect(lifecycle.status(of: pack(.caRateLimit), at: 1e9) == .issuanceTimedOut)
        var once = pack(.validationFailsOnce)
        #expect(lifecycle.status(of: once, at: 1e9) == .validationTimedOut)
        once.timeline.attempt = 1
        #expect(lifecycle.status(of: once, at: 1e9) == .active)
    }

    @Test func magicHostnamesSelectScenarios() {
        #expect(FailureScenario.selected(by: ["example.com", "validation-timeout.example.com"]) == .validationTimeout)
        #expect(FailureScenario.selected(by: ["example.com", "ca-rate-limit.example.com"]) == .caRateLimit)
        #expect(FailureScenario.selected(by: ["example.com", "www.example.com"]) == FailureScenario.none)
    }

    @Test func immediateAndManualModes() {
        var p = pack()
        #expect(PackLifecycle(mode: .immediate).status(of: p, at: 0) == .active)
        let manual = PackLifecycle(mode: .manual)
        #expect(manual.status(of: p, at: 1e9) == .initializing)
        p.timeline.steps = 2
        #expect(manual.status(of: p, at: 0) == .pendingIssuance)
        p.timeline.steps = 99
        #expect(manual.status(of: p, at: 0) == .active)
        p.timeline.forcedStatus = .expired
        #expect(manual.status(of: p, at: 0) == .expired)
    }

    @Test func snapshotFieldsFollowTheStage() {
        let lifecycle = PackLifecycle(mode: .timed)
        let p = pack()
        let initial = lifecycle.snapshot(of: p, at: 1000)
        #expect(initial.validationRecords.isEmpty && initial.certificates.isEmpty && initial.primaryCertificate == nil)
        let validating = lifecycle.snapshot(of: p, at: 1001.5)
        #expect(validating.status == .pendingValidation)
        #expect(validating.validationRecords.count == 2)
        #expect(validating.validationRecords.allSatisfy { $0.txtName == "_acme-challenge.example.com" && $0.txtValue?.count == 32 && $0.status == "pending" })
        let active = lifecycle.snapshot(of: p, at: 2000)
        #expect(active.validationRecords.isEmpty)
        #expect(active.certificates.map(\.signature) == ["ECDSAWithSHA256", "SHA256WithRSA"])
        #expect(active.primaryCertificate == active.certificates[0].id)
        #expect(active.certificates[0].expiresOn - active.certificates[0].uploadedOn == 90 * 86_400)
        let failed = lifecycle.snapshot(of: pack(.validationTimeout), at: 1e9)
        #expect(failed.validationErrors == ["SERVFAIL looking up CAA for validation-timeout.example.com"] || failed.validationErrors.first?.hasPrefix("SERVFAIL looking up CAA for") == true)
    }

    @Test func switchingModesKeepsTheStage() {
        let timed = PackLifecycle(mode: .timed)
        let p = pack()
        let moved = timed.timeline(of: p, carriedTo: .manual, at: 1003.5)
        #expect(moved.steps == 2)
        var q = p
        q.timeline = moved
        #expect(PackLifecycle(mode: .manual).status(of: q, at: 0) == .pendingIssuance)
        let back = PackLifecycle(mode: .manual).timeline(of: q, carriedTo: .timed, at: 5000)
        q.timeline = back
        #expect(timed.status(of: q, at: 5000) == .pendingIssuance)
        #expect(timed.status(of: q, at: 5001) == .pendingDeployment)
    }
}
