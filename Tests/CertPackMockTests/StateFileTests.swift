@testable import CertPackMock
import CertificatePacks
import Testing

@Suite struct StateFileTests {
    func sample() -> StateFile {
        let order = OrderRequest(hosts: ["example.com", "*.example.com"], validationMethod: .http, validityDays: 30,
                                 certificateAuthority: .google, cloudflareBranding: true)
        let packs = [
            CertificatePack(id: "0123456789abcdef0123456789abcdef", zoneID: "023e105f4ecef8ad9ca31a8372d0c353", order: order,
                            scenario: .validationFailsOnce, timeline: PackTimeline(startedAt: 1_796_000_000.125, attempt: 1, steps: 3, forcedStatus: .expired)),
            CertificatePack(id: "5b6f3c1e-2a4d-4e8f-9a0b-1c2d3e4f5a6b", zoneID: "023e105f4ecef8ad9ca31a8372d0c353", order: order,
                            scenario: .none, timeline: PackTimeline(startedAt: 0.1 + 0.2)),
        ]
        var rule = FaultRules.Rule(id: 4, method: "POST", path: "*/order", action: .fail(status: 429, code: 971, message: "slow \"down\""),
                                   delayMilliseconds: 20, times: 2, headers: [("Retry-After", "5")])
        rule.matched = 3
        return StateFile(
            clock: VirtualClock.Setting(mode: .manual, offset: 12.5, manualNow: 1_796_000_123.75), lifecycleMode: .perRead,
            idPosition: 0xFEDC_BA98_7654_3210, restarts: 2,
            zones: [Zone(id: "00000000000000000000000000000001", name: "kept.example", advancedCertificateManager: false, enterprise: true, quotaAllocated: 3)],
            credentials: [Credential(secret: .globalKey(email: "a@b.example", key: "k"), permissions: [.sslRead], zones: ["00000000000000000000000000000001"], name: "g"),
                          Credential(secret: .apiToken("t-1"), name: "t")],
            faults: [rule, FaultRules.Rule(id: 5, action: .reset)], nextFaultID: 6, packs: packs)
    }

    @Test func everythingReadsBackAsWritten() throws {
        let original = sample()
        let read = try StateFile.decode(original.encoded())
        #expect(read.packs == original.packs)
        #expect(read.clock == original.clock)
        #expect(read.lifecycleMode == .perRead && read.idPosition == original.idPosition && read.restarts == 2)
        #expect(read.zones == original.zones)
        #expect(read.credentials == original.credentials)
        #expect(read.nextFaultID == 6)
        #expect(read.faults.map(\.id) == [4, 5])
        #expect(read.faults[0].action == .fail(status: 429, code: 971, message: "slow \"down\""))
        #expect(read.faults[0].remaining == 2 && read.faults[0].matched == 3 && read.faults[0].delayMilliseconds == 20)
        #expect(read.faults[0].headers.map { "\($0.name): \($0.value)" } == ["Retry-After: 5"])
        #expect(read.faults[1].action == .reset && read.faults[1].remaining == nil)
    }

    @Test func aNewerVersionIsRefusedByName() {
        var text = String(decoding: sample().encoded(), as: UTF8.self)
        text = text.replacing("\"version\":1", with: "\"version\":2")
        #expect(throws: StateFileProblem.self) { try StateFile.decode(Array(text.utf8)) }
        do { _ = try StateFile.decode(Array(text.utf8)) } catch {
            #expect("\(error)".contains("format version 2 is newer"))
        }
    }

    @Test func aPackFieldAddedLaterIsOptional() throws {
        // A file without the fields that have defaults (as an older writer would leave them out) still loads.
        let minimal = #"{"format":"certpack-mock-state","version":1,"id_position":"1","clock":{"mode":"system","offset_seconds":0,"manual_now":0},"lifecycle_mode":"timed","zones":[],"credentials":[],"faults":[],"packs":[{"id":"0123456789abcdef0123456789abcdef","zone_id":"z","hosts":["a.example"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt","started_at":5}]}"#
        let read = try StateFile.decode(Array(minimal.utf8))
        #expect(read.packs.count == 1 && read.packs[0].scenario == .none && read.packs[0].timeline.forcedStatus == nil && read.nextFaultID == 1)
    }

    @Test func aTornFileIsNotValidJSON() {
        let bytes = sample().encoded()
        for cut in [1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: StateFileProblem.self) { try StateFile.decode(Array(bytes.prefix(cut))) }
        }
    }
}
