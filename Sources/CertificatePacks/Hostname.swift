import ASCIIBytes
#if canImport(Glibc)
import Glibc
#endif
/// Hostname syntax (RFC 1123 labels, one leading `*` label for wildcards).
public enum Hostname {
    public static func isValid(_ host: String) -> Bool {
        check(host) == .valid
    }

    /// `host` lowercased when that is a valid hostname, else nil: what an order, a zone or a
    /// made-up pack keeps of a name it was given, found in one pass over the bytes (no scan
    /// for uppercase first).
    public static func normalized(_ host: String) -> String? {
        switch check(host) {
        case .valid: return host
        case .validOnceLowercased: return lowercased(host)
        case .invalid: return nil
        }
    }

    /// ASCII letters lowered, every other byte kept: DNS names compare case-insensitively
    /// in ASCII only, and a non-ASCII byte must stay to be refused by `isValid` (Unicode
    /// lowercasing would turn the Kelvin sign into a valid `k`).
    public static func lowercased(_ host: String) -> String {
        ASCII.lowercased(host)
    }

    /// The apex itself, or any name below it (a wildcard covers one label below its base).
    /// Compares bytes, with no string built for the suffix: both are lowercased, and a valid
    /// host is ASCII, which no other spelling of the zone's name matches.
    public static func host(_ host: String, isIn zone: String) -> Bool {
        ASCII.withUTF8(host) { host in
            ASCII.withUTF8(zone) { zone in self.host(utf8: host, isIn: zone) }
        }
    }

    /// `host(_:isIn:)` on the names' bytes.
    static func host(utf8 host: UnsafeBufferPointer<UInt8>, isIn zone: UnsafeBufferPointer<UInt8>) -> Bool {
        // The apex has no dot before it; a name below it has one.
        let dot = host.count &- zone.count &- 1
        guard dot >= -1, dot == -1 || host[dot] == UInt8(ascii: ".") else { return false }
        guard let hostBase = host.baseAddress, let zoneBase = zone.baseAddress else { return zone.isEmpty }
        return memcmp(hostBase + (dot &+ 1), zoneBase, zone.count) == 0
    }

    enum Verdict { case valid, validOnceLowercased, invalid }

    private static func check(_ host: String) -> Verdict {
        ASCII.withUTF8(host) { check(utf8: $0) }
    }

    /// Labels of 1 to 63 bytes of letters, digits, `-` and `_`, not starting or ending with
    /// `-`, at least two of them and at most 253 bytes in all; letters of either case, told apart
    /// in the verdict. One byte at a time, a label checked at the dot (or end) that closes it.
    static func check(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Verdict {
        let count = bytes.count
        guard count > 0, count <= 253 else { return .invalid }
        var labels = 0
        var start = 0
        if count > 1 && bytes[0] == UInt8(ascii: "*") && bytes[1] == UInt8(ascii: ".") {
            labels = 1
            start = 2
        }
        var hasUppercase = false
        var end = start
        while true {
            let c = end < count ? bytes[end] : UInt8(ascii: ".")
            if ASCII.isLowercase(c | 0x20) {
                // 0x20 is the lowercase bit of a letter.
                if c & 0x20 == 0 { hasUppercase = true }
            } else if c == UInt8(ascii: ".") {
                let length = end &- start
                guard length >= 1, length <= 63,
                      bytes[start] != UInt8(ascii: "-"), bytes[end &- 1] != UInt8(ascii: "-") else { return .invalid }
                labels &+= 1
                if end == count { break }
                start = end &+ 1
            } else if !(ASCII.isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")) {
                return .invalid
            }
            end &+= 1
        }
        guard labels >= 2 else { return .invalid }
        return hasUppercase ? .validOnceLowercased : .valid
    }
}
