import Foundation
import CertificatePacks
import Testing

@Suite struct CertificatePackServiceTests {
    let zone = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com", quotaAllocated: 3)
    let order = OrderRequest(hosts: ["example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt)

    func service(mode: LifecycleMode = .timed, seed: UInt64? = 7, format: IDGenerator.Format = .hex32) -> CertificatePackService {
        let s = CertificatePackService(clock: VirtualClock(mode: .manual, start: 1_000_000), lifecycle: PackLifecycle(mode: mode), idFormat: format, seed: seed)
        s.addZone(zone)
        return s
    }

    @Test func orderThenReadFollowsTheVirtualClock() throws {
        let s = service()
        let ordered = try s.order(order, zoneID: zone.id)
        #expect(ordered.status == .initializing)
        #expect(Identifier.isHex32(ordered.pack.id))
        s.clock.advance(by: 1.5)
        #expect(s.read(ordered.pack.id, zoneID: zone.id)?.status == .pendingValidation)
        s.clock.advance(by: 10)
        #expect(s.read(ordered.pack.id, zoneID: zone.id)?.status == .active)
        #expect(s.read(ordered.pack.id, zoneID: "ffffffffffffffffffffffffffffffff") == nil)
    }

    @Test func seededIdsRepeatAndUUIDsAreWellFormed() throws {
        let a = try (0..<3).map { _ in try service().order(order, zoneID: zone.id).pack.id }
        let b = try (0..<3).map { _ in try service().order(order, zoneID: zone.id).pack.id }
        #expect(a == b)
        let u = try service(format: .uuid).order(order, zoneID: zone.id).pack.id
        #expect(Identifier.isUUID(u))
    }

    @Test func lookupsAcceptBothIdForms() throws {
        let s = service(format: .uuid)
        let id = try s.order(order, zoneID: zone.id).pack.id
        #expect(s.read(id.replacingOccurrences(of: "-", with: ""), zoneID: zone.id)?.pack.id == id)
    }

    @Test func quotaIsEnforcedAndReported() throws {
        let s = service()
        for _ in 0..<3 { _ = try s.order(order, zoneID: zone.id) }
        #expect(throws: CertificatePackService.Failure.quotaExceeded(allocated: 3)) { try s.order(order, zoneID: zone.id) }
        #expect(s.quota(zoneID: zone.id) == (3, 3))
    }

    @Test func perReadModeStepsOnEachRead() throws {
        let s = service(mode: .perRead)
        let id = try s.order(order, zoneID: zone.id).pack.id
        let seen = (0..<5).compactMap { _ in s.read(id, zoneID: zone.id)?.status }
        #expect(seen == [.pendingValidation, .pendingIssuance, .pendingDeployment, .active, .active])
    }

    @Test func editRestartsOnlyTimedOutPacks() throws {
        let s = service()
        var timedOut = order
        timedOut.hosts = ["example.com", "validation-fails-once.example.com"]
        let id = try s.order(timedOut, zoneID: zone.id).pack.id
        s.clock.advance(by: 100)
        #expect(s.read(id, zoneID: zone.id)?.status == .validationTimedOut)
        let restarted = s.edit(id, zoneID: zone.id, cloudflareBranding: true)
        #expect(restarted?.status == .initializing)
        #expect(restarted?.pack.cloudflareBranding == true)
        s.clock.advance(by: 100)
        #expect(s.read(id, zoneID: zone.id)?.status == .active)
        #expect(s.edit(id, zoneID: zone.id, cloudflareBranding: nil)?.status == .active)
    }

    @Test func listPagesAndFiltersActive() throws {
        let s = service()
        let big = Zone(id: "ffffffffffffffffffffffffffffffff", name: "example.net", quotaAllocated: 1000)
        s.addZone(big)
        var o = order
        o.hosts = ["example.net"]
        let ids = try (0..<12).map { _ in try s.order(o, zoneID: big.id).pack.id }
        let page2 = s.list(zoneID: big.id, includeAll: true, page: 2, perPage: 5)
        #expect(page2.items.map(\.pack.id) == Array(ids[5..<10]))
        #expect(page2.totalCount == 12)
        #expect(s.list(zoneID: big.id, includeAll: true, page: 4, perPage: 5).items.isEmpty)
        #expect(s.list(zoneID: big.id, includeAll: false, page: 1, perPage: 5).totalCount == 0)
        s.clock.advance(by: 100)
        #expect(s.list(zoneID: big.id, includeAll: false, page: 3, perPage: 5).items.count == 2)
    }

    @Test func forceAndStepControls() throws {
        let s = service(mode: .manual)
        let id = try s.order(order, zoneID: zone.id).pack.id
        #expect(s.step(id, count: 2).first?.status == .pendingIssuance)
        #expect(s.force(id, status: .expired)?.status == .expired)
        #expect(s.force(id, status: nil)?.status == .pendingIssuance)
        #expect(s.step(nil, count: 10).first?.status == .active)
    }

    @Test func stepInTimedModeMovesTheTimeline() throws {
        let s = service(mode: .timed)
        let id = try s.order(order, zoneID: zone.id).pack.id
        #expect(s.step(id).first?.status == .pendingValidation)
        #expect(s.step(id, count: 3).first?.status == .active)
        #expect(s.read(id, zoneID: zone.id)?.status == .active)
    }

    @Test func deleteForgetsThePack() throws {
        let s = service()
        let id = try s.order(order, zoneID: zone.id).pack.id
        #expect(s.delete(id, zoneID: zone.id)?.id == id)
        #expect(s.read(id, zoneID: zone.id) == nil)
        #expect(s.delete(id, zoneID: zone.id) == nil)
        #expect(s.quota(zoneID: zone.id).used == 0)
    }

    @Test func anOrderAfterADeleteReusesNothingButTheSlot() throws {
        let s = service()
        let first = try s.order(order, zoneID: zone.id).pack.id
        let second = try s.order(OrderRequest(hosts: ["example.com", "www.example.com"], validationMethod: .http, validityDays: 30, certificateAuthority: .google), zoneID: zone.id).pack.id
        let third = try s.order(order, zoneID: zone.id).pack.id
        #expect(s.delete(second, zoneID: zone.id) != nil)
        // The new pack takes the deleted one's storage but none of its data or its place in the list.
        let fourth = try s.order(OrderRequest(hosts: ["example.com", "api.example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .sslCom), zoneID: zone.id).pack.id
        #expect(s.read(second, zoneID: zone.id) == nil)
        let listed = s.list(zoneID: zone.id, includeAll: true, page: 1, perPage: 10).items.map(\.pack.id)
        #expect(listed == [first, third, fourth])
        let reused = try #require(s.read(fourth, zoneID: zone.id)?.pack)
        #expect(reused.hosts == ["example.com", "api.example.com"] && reused.certificateAuthority == .sslCom && reused.validationMethod == .txt)
        #expect(s.read(first, zoneID: zone.id)?.pack.hosts == ["example.com"])
        #expect(s.quota(zoneID: zone.id).used == 3)
    }
}
