#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header value in IMF-fixdate form (RFC 9110 §5.6.7), e.g.
/// `Sun, 06 Nov 1994 08:49:37 GMT`, recomputed at most once per second.
/// Each connection queue owns one, so no lock and no formatter on the hot path.
struct HTTPDateCache {
    private var second: time_t = -1
    /// Always 29 bytes once `current()` ran.
    private(set) var bytes: [UInt8] = []

    /// Brings `bytes` up to date and returns them.
    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            bytes = HTTPDateCache.format(now)
        }
        return bytes
    }

    private static let dayNames: [StaticString] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ seconds: time_t) -> [UInt8] {
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        func append(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func twoDigits(_ value: Int32) {
            out.append(UInt8(48 + value / 10))
            out.append(UInt8(48 + value % 10))
        }
        append(dayNames[Int(parts.tm_wday) % 7])
        append(", ")
        twoDigits(parts.tm_mday)
        out.append(0x20)
        append(monthNames[Int(parts.tm_mon) % 12])
        out.append(0x20)
        let year = Int(parts.tm_year) + 1900
        out.append(UInt8(48 + (year / 1000) % 10))
        out.append(UInt8(48 + (year / 100) % 10))
        out.append(UInt8(48 + (year / 10) % 10))
        out.append(UInt8(48 + year % 10))
        out.append(0x20)
        twoDigits(parts.tm_hour)
        out.append(0x3A)
        twoDigits(parts.tm_min)
        out.append(0x3A)
        twoDigits(parts.tm_sec)
        append(" GMT")
        return out
    }
}
