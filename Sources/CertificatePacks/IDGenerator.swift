/// Makes pack ids, certificate ids and validation tokens. With a seed the
/// sequence is the same on every run (`--seed`), so tests can compare answers
/// byte for byte; without one the sequence starts at a point drawn once from the
/// system generator (one getrandom(2) per process, not two per order).
public struct IDGenerator: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        /// 32 lowercase hex digits, as in the seed's schema.
        case hex32 = "hex"
        /// 8-4-4-4-12 lowercase hex, as the current API's examples.
        case uuid
    }

    private var state: UInt64

    public init(seed: UInt64?) {
        state = seed ?? UInt64.random(in: .min ... .max)
    }

    /// Where the sequence stands, so a state file can continue it (`IDGenerator(seed: position)`).
    public var position: UInt64 { state }

    /// SplitMix64: tiny, fast, and a bijection of its counter, so no value repeats
    /// within 2^64 draws.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func packID(_ format: Format) -> PackID {
        var id = PackID(high: next(), low: next(), isUUID: format == .uuid)
        if format == .uuid {
            // Version 4 and the RFC 4122 variant, so the id reads as a random UUID.
            id.high = id.high & ~0xF000 | 0x4000
            id.low = id.low & ~(0xC << 60) | (0x8 << 60)
        }
        return id
    }
}

/// Deterministic values derived from a pack id, so the same pack always shows
/// the same validation tokens and certificate ids without storing them.
package enum Hex {
    /// FNV-1a over the parts, then two rounds of mixing: 32 hex digits.
    package static func derived(_ parts: String...) -> String {
        var digest = Digest()
        for part in parts { digest.add(part) }
        return digest.id.text
    }

    /// `derived`'s value as 128 bits, for ids written without a String in between.
    /// Three parts, as certificate ids take, without an array of them.
    package static func derivedID(_ first: String, _ second: String, _ third: String) -> PackID {
        var digest = Digest()
        digest.add(first)
        digest.add(second)
        digest.add(third)
        return digest.id
    }

    /// FNV-1a over parts, each closed by 0xFF so ("ab", "c") and ("a", "bc") differ.
    private struct Digest {
        private var h: UInt64 = 0xCBF2_9CE4_8422_2325

        mutating func add(_ part: String) {
            var part = part
            part.withUTF8 { utf8 in
                for byte in utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
            h = (h ^ 0xFF) &* 0x0000_0100_0000_01B3
        }

        /// Two SplitMix64 draws seeded by the hash.
        var id: PackID {
            var g = IDGenerator(seed: h)
            return PackID(high: g.next(), low: g.next(), isUUID: false)
        }
    }
}
