@testable import CertificatePacks
import Testing

/// `PackIndex` answers like the one dictionary it replaces, for ids that differ in many
/// bits (drawn) and in one (hand-written fixtures).
@Suite struct PackIndexTests {
    @Test func findsWhatWasSetAndForgetsWhatWasRemoved() {
        var drawn = IDGenerator(seed: 7)
        let random = (0..<5_000).map { _ in drawn.packID(.hex32).key }
        let close = (0..<5_000).map { PackID.Key(high: 0, low: UInt64($0)) }
        var index = PackIndex()
        var reference: [PackID.Key: Int] = [:]
        for (n, key) in (random + close).enumerated() {
            index[key] = n
            reference[key] = n
        }
        for key in random.prefix(1_000) + close.prefix(1_000) {
            index[key] = nil
            reference[key] = nil
        }
        for key in random + close { #expect(index[key] == reference[key]) }
        #expect(index[PackID.Key(high: 1, low: 1)] == nil)
    }
}
