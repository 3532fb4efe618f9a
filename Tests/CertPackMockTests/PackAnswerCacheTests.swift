@testable import CertPackMock
import CertificatePacks
import Testing

/// A kept answer is reused only for an equal snapshot; anything that changes the pack's
/// reading is written anew.
@Suite struct PackAnswerCacheTests {
    let lifecycle = PackLifecycle(mode: .timed, durations: LifecycleDurations(initializing: 1, validation: 2, issuance: 1, deployment: 1))

    func snapshot(id: String = "0123456789abcdef0123456789abcdef", at now: Double = 1000, branding: Bool = false) -> PackSnapshot {
        let order = OrderRequest(hosts: ["example.com", "*.example.com"], validationMethod: .txt, validityDays: 90,
                                 certificateAuthority: .letsEncrypt, cloudflareBranding: branding)
        let pack = CertificatePack(id: id, zoneID: "z", order: order, scenario: .none, timeline: PackTimeline(startedAt: 1000))
        return lifecycle.snapshot(of: pack, at: now)
    }

    /// The body `write` gives, counting its calls.
    final class Writer: @unchecked Sendable {
        var calls = 0
        func write(_ snapshot: PackSnapshot) -> [UInt8] {
            calls += 1
            return Array("\(snapshot.pack.id) \(snapshot.status.rawValue) \(snapshot.pack.cloudflareBranding) \(calls)".utf8)
        }
    }

    @Test func anEqualSnapshotGetsTheKeptBody() {
        let cache = PackAnswerCache()
        let writer = Writer()
        let first = cache.body(for: snapshot(), write: writer.write)
        let again = cache.body(for: snapshot(), write: writer.write)
        #expect(again == first)
        #expect(writer.calls == 1)
    }

    @Test func aChangedReadingIsWrittenAnew() {
        let cache = PackAnswerCache()
        let writer = Writer()
        let initializing = cache.body(for: snapshot(at: 1000), write: writer.write)
        // The clock moved the pack to the next stage: same pack, another snapshot.
        let validating = cache.body(for: snapshot(at: 1001.5), write: writer.write)
        #expect(validating != initializing)
        #expect(String(decoding: validating, as: UTF8.self).contains("pending_validation"))
        // A field changed by an edit, same status.
        let branded = cache.body(for: snapshot(at: 1001.5, branding: true), write: writer.write)
        #expect(String(decoding: branded, as: UTF8.self).contains("true"))
        #expect(writer.calls == 3)
    }

    @Test func itHoldsAtMostItsCapacity() {
        let cache = PackAnswerCache(capacity: 2)
        let writer = Writer()
        let ids = ["00000000000000000000000000000001", "00000000000000000000000000000002", "00000000000000000000000000000003"]
        for id in ids { _ = cache.body(for: snapshot(id: id), write: writer.write) }
        #expect(cache.count <= 2)
        // Every answer is still right, kept or not.
        for id in ids {
            #expect(String(decoding: cache.body(for: snapshot(id: id), write: writer.write), as: UTF8.self).hasPrefix(id))
        }
    }
}
