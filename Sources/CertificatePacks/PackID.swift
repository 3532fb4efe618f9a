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
        var high: UInt64 = 0, low: UInt64 = 0
        switch utf8.count {
        case 32:
            guard hexDigits(utf8, 0..<16, into: &high), hexDigits(utf8, 16..<32, into: &low) else { return nil }
            return PackID(high: high, low: low, isUUID: false)
        case 36:
            // 8-4-4-4-12: the first three groups are the high half, the last two the low.
            let dash = UInt8(ascii: "-")
            guard utf8[8] == dash, utf8[13] == dash, utf8[18] == dash, utf8[23] == dash,
                  hexDigits(utf8, 0..<8, into: &high), hexDigits(utf8, 9..<13, into: &high), hexDigits(utf8, 14..<18, into: &high),
                  hexDigits(utf8, 19..<23, into: &low), hexDigits(utf8, 24..<36, into: &low) else { return nil }
            return PackID(high: high, low: low, isUUID: true)
        default:
            return nil
        }
    }

    /// Shifts the lowercase hex digits at `range` into `value`; false at any other byte.
    @inline(__always)
    private static func hexDigits(_ utf8: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into value: inout UInt64) -> Bool {
        for position in range {
            let c = utf8[position]
            let digit = c &- UInt8(ascii: "0"), letter = c &- UInt8(ascii: "a")
            if digit < 10 {
                value = value << 4 | UInt64(digit)
            } else if letter < 6 {
                value = value << 4 | UInt64(letter + 10)
            } else {
                return false
            }
        }
        return true
    }

    /// The id as the API shows it.
    public var text: String {
        // Written straight into the string's storage: no intermediate array.
        String(unsafeUninitializedCapacity: textLength) { out in
            writeText(into: out)
            return textLength
        }
    }

    /// 32, or 36 with UUID dashes.
    public var textLength: Int { isUUID ? 36 : 32 }

    /// Writes `text`'s `textLength` bytes into `out`, which must hold that many.
    public func writeText(into out: UnsafeMutableBufferPointer<UInt8>) {
        if isUUID {
            // 8-4-4-4-12: the dashes sit after hex digits 8, 12, 16 and 20.
            Self.hex(high >> 32, digits: 8, into: out, at: 0)
            out[8] = UInt8(ascii: "-")
            Self.hex(high >> 16, digits: 4, into: out, at: 9)
            out[13] = UInt8(ascii: "-")
            Self.hex(high, digits: 4, into: out, at: 14)
            out[18] = UInt8(ascii: "-")
            Self.hex(low >> 48, digits: 4, into: out, at: 19)
            out[23] = UInt8(ascii: "-")
            Self.hex(low, digits: 12, into: out, at: 24)
        } else {
            Self.hex(high, digits: 16, into: out, at: 0)
            Self.hex(low, digits: 16, into: out, at: 16)
        }
    }

    /// The low `digits` nibbles of `value`, most significant first.
    private static func hex(_ value: UInt64, digits: Int, into out: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var v = value
        var i = start + digits
        while i > start {
            i -= 1
            out[i] = ASCII.hexDigit(UInt8(truncatingIfNeeded: v & 0xF))
            v >>= 4
        }
    }
}
