/// Syntax checks for Cloudflare identifiers.
public enum Identifier {
    /// 32 lowercase hex digits: zone ids and the seed's pack ids.
    public static func isHex32(_ s: some StringProtocol) -> Bool {
        let u = s.utf8
        return u.count == 32 && u.allSatisfy(isLowerHex)
    }

    /// A UUID in 8-4-4-4-12 form, lowercase hex: pack ids of the current API.
    public static func isUUID(_ s: some StringProtocol) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if !isLowerHex(c) {
                return false
            }
        }
        return true
    }

    /// Either pack id format.
    public static func isPackID(_ s: some StringProtocol) -> Bool { isHex32(s) || isUUID(s) }

    static func isLowerHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)
    }
}
