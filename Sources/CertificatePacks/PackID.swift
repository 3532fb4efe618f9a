import ASCIIBytes
/// A pack id as 128 bits, whichever way it is written (32 hex digits, or a UUID
/// with dashes), so the store keys packs by two integers instead of strings.
public struct PackID: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64
    /// Written with UUID dashes.
    public var isUUID: Bool

    public init(high: UInt64, low: UInt64, isUUID: Bool) {
        self.high = high
        self.low = low
        self.isUUID = isUUID
    }

    /// Parses 32 lowercase hex digits or a lowercase UUID; nil for anything else.
    @inlinable
    public init?(_ text: some StringProtocol) {
        guard let id = ASCII.withUTF8(text, PackID.parse) else { return nil }
        self = id
    }

    @usableFromInline
    package static func parse(utf8: UnsafeBufferPointer<UInt8>) -> PackID? {
        guard utf8.count == 32 || utf8.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0, digits = 0, dashes = 0
        for position in 0..<utf8.count {
            let c = utf8[position]
            if c == UInt8(ascii: "-") {
                guard position == 8 || position == 13 || position == 18 || position == 23 else { return nil }
                dashes += 1
                continue
            }
            guard ASCII.isLowerHex(c), let v = ASCII.hexValue(c) else { return nil }
            if digits < 16 { high = high << 4 | UInt64(v) } else { low = low << 4 | UInt64(v) }
            digits += 1
            if digits > 32 { return nil }
        }
        guard digits == 32, dashes == 0 || dashes == 4 else { return nil }
        return PackID(high: high, low: low, isUUID: dashes == 4)
    }

    /// The id as the API shows it.
    public var text: String {
        // Written straight into the string's storage: no intermediate array.
        String(unsafeUninitializedCapacity: isUUID ? 36 : 32) { out in
            var o = 0
            for i in 0..<32 {
                if isUUID && (i == 8 || i == 12 || i == 16 || i == 20) {
                    out[o] = UInt8(ascii: "-")
                    o += 1
                }
                let nibble = UInt8(truncatingIfNeeded: ((i < 16 ? high : low) >> UInt64(60 - (i % 16) * 4)) & 0xF)
                out[o] = ASCII.hexDigit(nibble)
                o += 1
            }
            return o
        }
    }
}
