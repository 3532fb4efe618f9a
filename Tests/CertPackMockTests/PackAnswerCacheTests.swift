@testable import CertPackMock
import CertificatePacks
import Testing

/// A kept answer is reused only for an equal reading; anything that changes how the pack
/// reads is written anew.
@Suite struct PackAnswerCacheTests {
    let zone = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com")

    /// A service on a manual clock with one pack ordered; returns the service and the pack's id.
    func servicePack(_ mode: LifecycleMode = .timed) throws -> (CertificatePackService, PackID) {
        let service = CertificatePackService(clock: VirtualClock(mode: .manual, start: 1_000_000), lifecycle: PackLifecycle(mode: mode), seed: 7)
        service.addZone(zone)
        let order = OrderRequest(hosts: ["example.com", "*.example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt)
        let id = try #require(PackID(try service.order(order, zoneID: zone.id).pack.id))
        return (service, id)
    }

    /// Writes the reading's status and branding, counting its calls.
    final class Writer: @unchecked Sendable {
        var calls = 0
        func write(_ reading: PackReading) -> [UInt8] {
            calls += 1
            let snapshot = reading.snapshot
            return Array("\(snapshot.pack.id) \(snapshot.status.rawValue) branding=\(snapshot.pack.cloudflareBranding)".utf8)
        }
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func anEqualReadingGetsTheKeptBody() throws {
        let (service, id) = try servicePack()
        let cache = PackAnswerCache()
        let writer = Writer()
        let first = cache.body(for: try #require(service.reading(id, zoneID: zone.id)), write: writer.write)
        let again = cache.body(for: try #require(service.reading(id, zoneID: zone.id)), write: writer.write)
        #expect(again == first)
        #expect(writer.calls == 1)
    }

    @Test func aChangedReadingIsWrittenAnew() throws {
        let (service, id) = try servicePack()
        let cache = PackAnswerCache()
        let writer = Writer()
        let read = { cache.body(for: try #require(service.reading(id, zoneID: self.zone.id)), write: writer.write) }
        #expect(text(try read()).contains("initializing"))
        // The clock moves the pack on: same record, another status.
        service.clock.advance(by: 1.5)
        #expect(text(try read()).contains("pending_validation"))
        // An edit changes the record, not the status.
        _ = service.edit(id, zoneID: zone.id, cloudflareBranding: true)
        #expect(text(try read()).contains("branding=true"))
        // A forced status, and its release.
        _ = service.force(id.text, zoneID: zone.id, status: .expired)
        #expect(text(try read()).contains("expired"))
        _ = service.force(id.text, zoneID: zone.id, status: nil)
        #expect(text(try read()).contains("pending_validation"))
        #expect(writer.calls == 5)
    }

    @Test func perReadModeStepsOnEveryReading() throws {
        let (service, id) = try servicePack(.perRead)
        let cache = PackAnswerCache()
        let writer = Writer()
        let seen = try (0..<4).map { _ in text(cache.body(for: try #require(service.reading(id, zoneID: zone.id)), write: writer.write)) }
        #expect(seen.map { $0.split(separator: " ")[1] } == ["pending_validation", "pending_issuance", "pending_deployment", "active"])
    }

    @Test func itHoldsAtMostItsCapacity() throws {
        let (service, first) = try servicePack()
        let order = OrderRequest(hosts: ["example.com"], validationMethod: .txt, validityDays: 90, certificateAuthority: .letsEncrypt)
        let others = try (0..<2).map { _ in try #require(PackID(try service.order(order, zoneID: zone.id).pack.id)) }
        let ids = [first] + others
        let cache = PackAnswerCache(capacity: 2)
        let writer = Writer()
        for id in ids { _ = cache.body(for: try #require(service.reading(id, zoneID: zone.id)), write: writer.write) }
        #expect(cache.count <= 2)
        // Every answer is still right, kept or not.
        for id in ids {
            #expect(text(cache.body(for: try #require(service.reading(id, zoneID: zone.id)), write: writer.write)).hasPrefix(id.text))
        }
    }
}
