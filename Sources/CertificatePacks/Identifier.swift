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
        guard u.count == 32 else { return false }
        for c in u where !ASCII.isLowerHex(c) { return false }
        return true
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
