import ASCIIBytes

/// Syntax checks for Cloudflare identifiers.
///
/// The string entry points are `@inlinable` and only hand the UTF-8 bytes to the
/// byte checks, so callers in other modules get a specialised call instead of a
/// generic one through protocol witnesses (which cost ~13k instructions a request).
public enum Identifier {
    /// 32 lowercase hex digits: zone ids and the seed's pack ids.
    @inlinable
    public static func isHex32(_ s: some StringProtocol) -> Bool {
        ASCII.withUTF8(s, isHex32(utf8:))
    }

    /// A UUID in 8-4-4-4-12 form, lowercase hex: pack ids of the current API.
    @inlinable
    public static func isUUID(_ s: some StringProtocol) -> Bool {
        ASCII.withUTF8(s, isUUID(utf8:))
    }

    /// Either pack id format.
    @inlinable
    public static func isPackID(_ s: some StringProtocol) -> Bool {
        ASCII.withUTF8(s) { isHex32(utf8: $0) || isUUID(utf8: $0) }
    }

    public static func isHex32(utf8 u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count == 32, let base = u.baseAddress else { return false }
        // Eight bytes a step: every zone route checks its zone id.
        let raw = UnsafeRawPointer(base)
        for offset in stride(from: 0, to: 32, by: 8) where !isLowerHex8(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) {
            return false
        }
        return true
    }

    /// Whether all eight bytes of `w` are 0-9 or a-f. For a byte below 0x80, adding
    /// 0x80 - lo sets its top bit exactly when it is at least lo, and no carry reaches the
    /// next byte, so each range check is an addition per bound and a mask for all eight.
    @inline(__always)
    static func isLowerHex8(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs = ones &* 0x80
        guard w & highs == 0 else { return false }
        let digit = (w &+ ones &* (0x80 - 0x30)) & ~(w &+ ones &* (0x80 - 0x3A))  // "0"..."9"
        let letter = (w &+ ones &* (0x80 - 0x61)) & ~(w &+ ones &* (0x80 - 0x67))  // "a"..."f"
        return (digit | letter) & highs == highs
    }

    public static func isUUID(utf8 u: UnsafeBufferPointer<UInt8>) -> Bool {
        guard u.count == 36 else { return false }
        for i in 0..<36 {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if u[i] != UInt8(ascii: "-") { return false }
            } else if !ASCII.isLowerHex(u[i]) {
                return false
            }
        }
        return true
    }

}
