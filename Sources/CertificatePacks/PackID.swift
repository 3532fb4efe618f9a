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
        precondition(out.count >= textLength)
        // The 32 digits as four words of eight, stored whole: every answer writes ids.
        let digits = (Self.hexDigits(UInt32(truncatingIfNeeded: high >> 32)), Self.hexDigits(UInt32(truncatingIfNeeded: high)),
                      Self.hexDigits(UInt32(truncatingIfNeeded: low >> 32)), Self.hexDigits(UInt32(truncatingIfNeeded: low)))
        let p = UnsafeMutableRawPointer(out.baseAddress!)
        guard isUUID else {
            p.storeBytes(of: digits, as: (UInt64, UInt64, UInt64, UInt64).self)
            return
        }
        // 8-4-4-4-12: the dashes sit after hex digits 8, 12, 16 and 20.
        withUnsafeBytes(of: digits) { hex in
            let dash = UInt8(ascii: "-")
            p.copyMemory(from: hex.baseAddress!, byteCount: 8)
            p.storeBytes(of: dash, toByteOffset: 8, as: UInt8.self)
            (p + 9).copyMemory(from: hex.baseAddress! + 8, byteCount: 4)
            p.storeBytes(of: dash, toByteOffset: 13, as: UInt8.self)
            (p + 14).copyMemory(from: hex.baseAddress! + 12, byteCount: 4)
            p.storeBytes(of: dash, toByteOffset: 18, as: UInt8.self)
            (p + 19).copyMemory(from: hex.baseAddress! + 16, byteCount: 4)
            p.storeBytes(of: dash, toByteOffset: 23, as: UInt8.self)
            (p + 24).copyMemory(from: hex.baseAddress! + 20, byteCount: 12)
        }
    }

    /// `value`'s eight lowercase hex digits as the bytes of a word, most significant digit
    /// first in memory. Each nibble is spread into a byte of its own, then all eight become
    /// digits at once: 0-9 plus "0", and 10-15 plus "a" - 10, told apart by a carry.
    private static func hexDigits(_ value: UInt32) -> UInt64 {
        var x = UInt64(value)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // Byte k now holds nibble k; stored big-endian, the most significant comes first.
        x = x.bigEndian
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return x &+ 0x3030_3030_3030_3030 &+ letters &* (0x61 - 0x3A)
    }
}
