import ASCIIBytes

/// RFC 3339 UTC timestamps (`2026-11-29T04:36:06Z`) without a DateFormatter,
/// which is costly to build and not needed for whole seconds.
enum Timestamp {
    static func rfc3339(_ secondsSince1970: Double) -> String {
        let total = Int64(secondsSince1970.rounded(.down))
        var days = total / 86_400
        var secs = total % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        let year = max(0, min(9999, y))
        // Written straight into the string's storage: a GET of an active pack formats six.
        return String(unsafeUninitializedCapacity: 20) { out in
            func two(_ v: Int64, at i: Int) {
                out[i] = ASCII.decimalDigit(UInt8(v / 10))
                out[i + 1] = ASCII.decimalDigit(UInt8(v % 10))
            }
            two(year / 100, at: 0); two(year % 100, at: 2)
            out[4] = UInt8(ascii: "-"); two(m, at: 5)
            out[7] = UInt8(ascii: "-"); two(d, at: 8)
            out[10] = UInt8(ascii: "T"); two(secs / 3600, at: 11)
            out[13] = UInt8(ascii: ":"); two(secs % 3600 / 60, at: 14)
            out[16] = UInt8(ascii: ":"); two(secs % 60, at: 17)
            out[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
