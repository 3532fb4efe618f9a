import CertificatePacks
import Testing

/// SSL verification, DCV delegation and directly created packs, on the domain alone.
@Suite struct VerificationTests {
    let zone = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com", enterprise: true)
    let rules = OrderValidator()

    func service(mode: LifecycleMode = .timed) -> CertificatePackService {
        let s = CertificatePackService(clock: VirtualClock(mode: .manual, start: 1_000_000), lifecycle: PackLifecycle(mode: mode), seed: 3)
        s.addZone(zone)
        return s
    }

    func order(_ hosts: [String] = ["example.com", "*.example.com"], _ method: ValidationMethod = .txt, _ ca: CertificateAuthority = .letsEncrypt) -> OrderRequest {
        OrderRequest(hosts: hosts, validationMethod: method, validityDays: 90, certificateAuthority: ca)
    }

    @Test func sameMethodIsAnImmediateRecheckThatEndsValidationNow() throws {
        let s = service()
        let id = try s.order(order(), zoneID: zone.id).pack.id
        s.clock.advance(by: 1.5)
        #expect(s.read(id, zoneID: zone.id)?.status == .pendingValidation)
        let clockBefore = s.clock.now()
        let rechecked = try s.changeValidation(id, zoneID: zone.id, to: .txt, rules: rules)
        #expect(rechecked.status == .pendingIssuance)
        #expect(s.clock.now() == clockBefore)
        // From there the lifecycle goes on as usual: issuance 1 s, deployment 1 s.
        s.clock.advance(by: 2)
        #expect(s.read(id, zoneID: zone.id)?.status == .active)
    }

    @Test func anotherMethodRestartsValidationWithItsRecords() throws {
        let s = service()
        let ordered = try s.order(order(["example.com", "www.example.com"]), zoneID: zone.id)
        s.clock.advance(by: 1.5)
        let before = try #require(s.read(ordered.pack.id, zoneID: zone.id))
        #expect(before.validationRecords.first?.txtName == "_acme-challenge.example.com")
        let changed = try s.changeValidation(ordered.pack.id, zoneID: zone.id, to: .http, rules: rules)
        #expect(changed.status == .pendingValidation && changed.pack.validationMethod == .http)
        #expect(changed.validationRecords.map(\.httpURL?.isEmpty) == [false, false])
        #expect(changed.validationRecords.allSatisfy { $0.txtName == nil })
        #expect(changed.dcvDelegationRecords.isEmpty)
        // The restarted validation lasts its full duration again.
        s.clock.advance(by: 1.9)
        #expect(s.read(ordered.pack.id, zoneID: zone.id)?.status == .pendingValidation)
        s.clock.advance(by: 0.2)
        #expect(s.read(ordered.pack.id, zoneID: zone.id)?.status == .pendingIssuance)
    }

    @Test func activeAndValidatedPacksAreRefusedAsTheDocsSay() throws {
        let s = service(mode: .immediate)
        let id = try s.order(order(), zoneID: zone.id).pack.id
        #expect(throws: CertificatePackService.Failure.validationMethodLocked(.active)) {
            try s.changeValidation(id, zoneID: zone.id, to: .txt, rules: rules)
        }
        let issuing = try s.create(PackDraft(zoneID: zone.id, order: order(), status: .pendingIssuance, pinned: true))
        #expect(try s.changeValidation(issuing.pack.id, zoneID: zone.id, to: .txt, rules: rules).status == .pendingIssuance)
        #expect(throws: CertificatePackService.Failure.validationMethodLocked(.pendingIssuance)) {
            try s.changeValidation(issuing.pack.id, zoneID: zone.id, to: .http, rules: rules)
        }
        #expect(throws: CertificatePackService.Failure.packNotFound) {
            try s.changeValidation("ffffffffffffffffffffffffffffffff", zoneID: zone.id, to: .txt, rules: rules)
        }
    }

    @Test func caRulesApplyToTheNewMethod() throws {
        let s = service()
        let id = try s.order(order(), zoneID: zone.id).pack.id
        #expect(throws: CertificatePackService.Failure.methodNotOffered([.httpValidationWithWildcard(index: 1, host: "*.example.com")])) {
            try s.changeValidation(id, zoneID: zone.id, to: .http, rules: rules)
        }
        #expect(throws: CertificatePackService.Failure.methodNotOffered([.methodNotOffered(authority: .letsEncrypt, method: .email)])) {
            try s.changeValidation(id, zoneID: zone.id, to: .email, rules: rules)
        }
    }

    @Test func aRecheckCannotRescueAnAttemptMeantToFail() throws {
        let s = service()
        let id = try s.order(order(["example.com", "validation-fails-once.example.com"]), zoneID: zone.id).pack.id
        s.clock.advance(by: 1.5)
        #expect(try s.changeValidation(id, zoneID: zone.id, to: .txt, rules: rules).status == .pendingValidation)
        s.clock.advance(by: 3600)
        #expect(s.read(id, zoneID: zone.id)?.status == .validationTimedOut)
        // The timed-out attempt is followed by a new one, which this scenario lets pass.
        #expect(try s.changeValidation(id, zoneID: zone.id, to: .txt, rules: rules).status == .pendingIssuance)
    }

    @Test func retryRechecksEveryWaitingPackOfTheZone() throws {
        let s = service(mode: .manual)
        let a = try s.order(order(), zoneID: zone.id).pack.id
        let b = try s.order(order(), zoneID: zone.id).pack.id
        s.step(b)
        #expect(s.verifications(zoneID: zone.id, retry: false).map(\.status) == [.initializing, .pendingValidation])
        #expect(s.verifications(zoneID: zone.id, retry: true).map(\.status) == [.pendingIssuance, .pendingIssuance])
        #expect(s.read(a, zoneID: zone.id)?.status == .pendingIssuance)
    }

    @Test func everyCertificateStatusIsReachableAndPacksGoingAwayAreLeftOut() {
        let shown = Set(PackStatus.allCases.compactMap(\.certificateStatus))
        #expect(shown == Set(CertificateStatus.allCases))
        #expect(PackStatus.deleted.certificateStatus == nil && PackStatus.inactive.certificateStatus == nil)
        #expect(PackStatus.pendingValidation.certificateStatus == .authorizing)
        #expect(PackStatus.issuanceTimedOut.certificateStatus == .timingOut)
    }

    @Test func verificationItemsFollowTheStage() throws {
        let s = service(mode: .manual)
        let txt = try s.order(order(), zoneID: zone.id)
        let initializing = try #require(txt.verification)
        #expect(initializing.verificationStatus == nil && initializing.info == nil && initializing.validationMethod == .txt)
        let waiting = try #require(s.step(txt.pack.id).first?.verification)
        #expect(waiting.certificateStatus == .authorizing && waiting.verificationStatus == false)
        #expect(waiting.info?.txtName == "_acme-challenge.example.com")
        let active = try #require(s.step(txt.pack.id, count: 3).first?.verification)
        #expect(active.certificateStatus == .active && active.verificationStatus == true && active.info == nil)
        #expect(active.signature == "ECDSAWithSHA256")
        let email = try s.order(order(["example.com"], .email, .sslCom), zoneID: zone.id)
        #expect(email.verification?.validationMethod == nil)
        let gone = try s.create(PackDraft(zoneID: zone.id, order: order(), status: .deleted))
        #expect(gone.verification == nil)
    }

    @Test func dcvDelegationUUIDIsSixteenHexStablePerZone() throws {
        let uuid = DCVDelegation.uuid(zoneID: zone.id)
        #expect(uuid.count == 16 && uuid.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(DCVDelegation.uuid(zoneID: zone.id) == uuid)
        #expect(DCVDelegation.uuid(zoneID: "9a7806061c88ada191ed06f989cc3dac") != uuid)
        let s = service(mode: .manual)
        let id = try s.order(order(["example.com", "*.example.com", "www.example.com"]), zoneID: zone.id).pack.id
        let waiting = try #require(s.step(id).first)
        #expect(waiting.dcvDelegationRecords == [
            DelegationRecord(cname: "_acme-challenge.example.com", cnameTarget: "example.com.\(uuid).dcv.cloudflare.com"),
            DelegationRecord(cname: "_acme-challenge.www.example.com", cnameTarget: "www.example.com.\(uuid).dcv.cloudflare.com"),
        ])
        #expect(s.step(id).first?.dcvDelegationRecords == [])
    }

    @Test func draftsTakeAnyIdAndStatusAndKeepTheirTimeline() throws {
        let s = service()
        let pinned = try s.create(PackDraft(id: "a77f8bd7-3b47-46b4-a6f1-75cf98109948", zoneID: zone.id, order: order(),
                                            status: .pendingValidation, pinned: true, secondsInStatus: 3600))
        #expect(pinned.pack.id == "a77f8bd7-3b47-46b4-a6f1-75cf98109948" && pinned.status == .pendingValidation)
        s.clock.advance(by: 86_400)
        #expect(s.read(pinned.pack.id, zoneID: zone.id)?.status == .pendingValidation)
        // Unpinned: it entered pending_validation 1.5 s ago, so it moves on after 0.5 s more.
        let moving = try s.create(PackDraft(zoneID: zone.id, order: order(), status: .pendingValidation, secondsInStatus: 1.5))
        #expect(moving.status == .pendingValidation)
        s.clock.advance(by: 0.6)
        #expect(s.read(moving.pack.id, zoneID: zone.id)?.status == .pendingIssuance)
        // Active for 80 days: its 90-day certificates expire in about 10.
        let old = try s.create(PackDraft(zoneID: zone.id, order: order(), status: .active, secondsInStatus: 80 * 86_400))
        let expires = try #require(old.certificates.first?.expiresOn)
        #expect(abs(expires - (s.clock.now() + 10 * 86_400)) < 5)
        #expect(throws: CertificatePackService.Failure.packExists) {
            try s.create(PackDraft(id: "a77f8bd73b4746b4a6f175cf98109948", zoneID: zone.id, order: order()))
        }
        #expect(throws: CertificatePackService.Failure.unknownZone) {
            try s.create(PackDraft(zoneID: "ffffffffffffffffffffffffffffffff", order: order()))
        }
        #expect(throws: CertificatePackService.Failure.invalidPackID) {
            try s.create(PackDraft(id: "not-an-id", zoneID: zone.id, order: order()))
        }
    }
}
