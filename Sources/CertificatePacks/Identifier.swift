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
        for offset in stride(from: 0, to: 32, by: 8) where !isLowerHex8(ByteLanes.load(raw + offset)) {
            return false
        }
        return true
    }

    /// Whether all eight bytes of `w` are 0-9 or a-f: each range is two exact lane tests,
    /// once no byte has its high bit set.
    @inline(__always)
    static func isLowerHex8(_ w: UInt64) -> Bool {
        guard w & ByteLanes.highBits == 0 else { return false }
        let digit = ByteLanes.atLeast(UInt8(ascii: "0"), in: w) & ~ByteLanes.atLeast(UInt8(ascii: "9") + 1, in: w)
        let letter = ByteLanes.atLeast(UInt8(ascii: "a"), in: w) & ~ByteLanes.atLeast(UInt8(ascii: "f") + 1, in: w)
        return (digit | letter) & ByteLanes.highBits == ByteLanes.highBits
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
