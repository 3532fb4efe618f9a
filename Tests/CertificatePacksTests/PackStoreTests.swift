@testable import CertificatePacks
import Testing
import TestSupport

/// `PackStore` on its own: what goes in comes out field for field, across chunk
/// boundaries, after deletes whose records are reused, and in each zone's creation order.
@Suite struct PackStoreTests {
    static let zones = ["023e105f4ecef8ad9ca31a8372d0c353", "9a7806061c88ada191ed06f989cc3dac", "372e67954025e0ba6aaa6d586b9e0b59"]
    /// Records per chunk in `PackStore` (4096); the tests cross it on purpose.
    static let chunk = 4096

    /// Pack number `n`: every field depends on `n`, so a record left over from another pack shows.
    static func pack(_ n: Int, zone: String = zones[0], uuid: Bool = false) -> CertificatePack {
        let order = OrderRequest(
            hosts: n % 3 == 0 ? ["example.com", "*.example.com", "h\(n).example.com"] : ["example.com", "n\(n).example.com"],
            validationMethod: ValidationMethod.allCases[n % 3],
            validityDays: [14, 30, 90, 365][n % 4],
            certificateAuthority: CertificateAuthority.allCases[n % 3],
            cloudflareBranding: n % 2 == 1)
        let timeline = PackTimeline(startedAt: 1_767_225_600 + Double(n) / 4, attempt: n % 5, steps: n % 7,
                                    forcedStatus: n % 4 == 0 ? nil : PackStatus.allCases[n % PackStatus.allCases.count])
        let id = PackID(high: 0x1000 + UInt64(n), low: 0xfeed_0000_0000 | UInt64(n), isUUID: uuid)
        return CertificatePack(id: id.text, zoneID: zone, order: order,
                               scenario: FailureScenario.allCases[n % FailureScenario.allCases.count], timeline: timeline)
    }

    @Test func packsComeBackWhole_acrossChunkBoundaries() throws {
        var store = PackStore()
        let total = 2 * Self.chunk + 3
        let packs = (0..<total).map { Self.pack($0) }
        for pack in packs { store.insert(pack) }
        #expect(store.count == total && store.count(inZone: Self.zones[0]) == total)
        for n in [0, 1, Self.chunk - 1, Self.chunk, Self.chunk + 1, 2 * Self.chunk - 1, 2 * Self.chunk, total - 1] {
            let id = try #require(PackID(packs[n].id))
            #expect(store.pack(id, zoneID: Self.zones[0]) == packs[n], "pack \(n)")
        }
        #expect(store.packs(inZone: Self.zones[0]) == packs)
        #expect(store.packs(inZone: Self.zones[0], range: (Self.chunk - 2)..<(Self.chunk + 2)) == Array(packs[(Self.chunk - 2)..<(Self.chunk + 2)]))
        #expect(store.packs(inZone: Self.zones[0], range: (total - 1)..<(total + 50)) == [packs[total - 1]])
        #expect(store.packs(inZone: Self.zones[0], range: (total + 1)..<(total + 50)).isEmpty)
    }

    @Test func aDeletedPackIsGoneFromTheIndexAndItsZone() throws {
        var store = PackStore()
        let packs = (0..<10).map { Self.pack($0, zone: Self.zones[$0 % 2]) }
        for pack in packs { store.insert(pack) }
        let gone = try #require(PackID(packs[4].id))
        #expect(store.remove(gone, zoneID: Self.zones[1]) == nil, "another zone's id must not delete it")
        #expect(store.contains(gone))
        #expect(store.remove(gone, zoneID: Self.zones[0]) == packs[4])
        #expect(!store.contains(gone) && store.pack(gone, zoneID: Self.zones[0]) == nil && store.zoneID(of: gone) == nil)
        #expect(store.remove(gone, zoneID: Self.zones[0]) == nil, "a second delete finds nothing")
        #expect(store.count == 9 && store.count(inZone: Self.zones[0]) == 4)
        #expect(store.packs(inZone: Self.zones[0]) == [0, 2, 6, 8].map { packs[$0] })
        #expect(store.packs(inZone: Self.zones[1]) == [1, 3, 5, 7, 9].map { packs[$0] })
        for n in [0, 1, 2, 3, 5, 6, 7, 8, 9] {
            let id = try #require(PackID(packs[n].id))
            #expect(store.pack(id, zoneID: Self.zones[n % 2]) == packs[n] && store.zoneID(of: id) == Self.zones[n % 2])
            #expect(store.pack(id, zoneID: Self.zones[1 - n % 2]) == nil, "found in the wrong zone")
        }
    }

    @Test func aReusedRecordHoldsOnlyTheNewPack() throws {
        var store = PackStore()
        let first = (0..<3).map { Self.pack($0) }
        for pack in first { store.insert(pack) }
        let old = try #require(PackID(first[1].id))
        store.remove(old, zoneID: Self.zones[0])
        // The next pack takes the freed record, in another zone, with every field different.
        let reuser = Self.pack(1001, zone: Self.zones[2], uuid: true)
        store.insert(reuser)
        let new = try #require(PackID(reuser.id))
        #expect(store.pack(new, zoneID: Self.zones[2]) == reuser)
        #expect(store.pack(old, zoneID: Self.zones[0]) == nil && !store.contains(old))
        #expect(store.packs(inZone: Self.zones[0]) == [first[0], first[2]])
        #expect(store.packs(inZone: Self.zones[2]) == [reuser])
        // Newest last in creation order, even in a reused record.
        let later = Self.pack(1002)
        store.insert(later)
        store.remove(try #require(PackID(first[0].id)), zoneID: Self.zones[0])
        let last = Self.pack(1003)
        store.insert(last)
        #expect(store.packs(inZone: Self.zones[0]) == [first[2], later, last])
        #expect(store.count == 4)
    }

    @Test func bothSpellingsOfAnIDFindThePack() throws {
        var store = PackStore()
        let pack = Self.pack(7, uuid: true)
        store.insert(pack)
        let uuid = try #require(PackID(pack.id))
        let hex = PackID(high: uuid.high, low: uuid.low, isUUID: false)
        #expect(store.pack(hex, zoneID: Self.zones[0]) == pack, "the answer keeps the spelling it was stored with")
        #expect(store.remove(hex, zoneID: Self.zones[0]) == pack && !store.contains(uuid))
    }

    @Test func removingAZoneFreesItsRecordsForTheOthers() throws {
        var store = PackStore()
        let packs = (0..<(Self.chunk + 10)).map { Self.pack($0, zone: Self.zones[$0 % 3]) }
        for pack in packs { store.insert(pack) }
        store.removeAll(inZone: Self.zones[1])
        #expect(store.count(inZone: Self.zones[1]) == 0 && store.packs(inZone: Self.zones[1]).isEmpty)
        #expect(store.zonesWithPacks == [Self.zones[0], Self.zones[2]])
        for pack in packs where pack.zoneID == Self.zones[1] { #expect(!store.contains(try #require(PackID(pack.id)))) }
        let refill = (20_000..<20_100).map { Self.pack($0, zone: Self.zones[1]) }
        for pack in refill { store.insert(pack) }
        #expect(store.packs(inZone: Self.zones[1]) == refill)
        #expect(store.packs(inZone: Self.zones[0]) == packs.filter { $0.zoneID == Self.zones[0] })
        #expect(store.count == packs.count - packs.filter { $0.zoneID == Self.zones[1] }.count + refill.count)
    }

    /// Random inserts, updates and deletes against a plain model, checked after each step.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomOperationsMatchAModel(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var store = PackStore()
        var model: [String: [CertificatePack]] = [:]   // per zone, in creation order
        var next = 0
        for step in 0..<3000 {
            let zone = Self.zones[Int.random(in: 0..<Self.zones.count, using: &rng)]
            let roll = Int.random(in: 0..<10, using: &rng)
            if roll < 5 || model[zone, default: []].isEmpty {
                let pack = Self.pack(next, zone: zone, uuid: next % 5 == 0)
                next += 1
                store.insert(pack)
                model[zone, default: []].append(pack)
            } else if roll < 7 {
                let i = Int.random(in: 0..<model[zone]!.count, using: &rng)
                var pack = model[zone]![i]
                pack.timeline.steps += 1
                pack.cloudflareBranding.toggle()
                store.update(pack)
                model[zone]![i] = pack
            } else {
                let i = Int.random(in: 0..<model[zone]!.count, using: &rng)
                let pack = model[zone]!.remove(at: i)
                #expect(store.remove(try #require(PackID(pack.id)), zoneID: zone) == pack, "step \(step)")
            }
            if step % 100 == 0 || step == 2999 {
                for z in Self.zones { #expect(store.packs(inZone: z) == model[z, default: []], "zone \(z) after step \(step)") }
                #expect(store.count == model.values.map(\.count).reduce(0, +))
            }
        }
    }
}
