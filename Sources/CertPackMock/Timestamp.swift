import ASCIIBytes
import StrictJSON

/// RFC 3339 UTC timestamps (`2026-11-29T04:36:06Z`) without a DateFormatter,
/// which is costly to build and not needed for whole seconds.
package enum Timestamp {
    /// The timestamp as a JSON string value, written straight into the output: a GET of
    /// an active pack writes six.
    static func write(_ secondsSince1970: Double, into w: inout JSONWriter) {
        w.plainString(byteCount: 20) { out in
            _ = write(Int64(secondsSince1970.rounded(.down)), milliseconds: nil, into: out)
        }
    }

    /// `2026-11-29T04:36:06.123Z`, as log lines stamp their time.
    package static func write(_ secondsSince1970: Int64, milliseconds: Int, into w: inout ByteWriter) {
        w.put(count: 24) { _ = write(secondsSince1970, milliseconds: milliseconds, into: $0) }
    }

    /// Writes the timestamp (20 bytes, or 24 with milliseconds) and returns its length.
    private static func write(_ total: Int64, milliseconds: Int?, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(out.count >= (milliseconds == nil ? 20 : 24))
        var days = total / 86_400
        var secs = total % 86_400
        if secs < 0 { secs += 86_400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        let year = max(0, min(9999, y))
        // Every field is 0...99 here, and `out` holds 20 or 24 bytes: unchecked stores.
        let p = out.baseAddress!
        @inline(__always) func two(_ v: Int64, at i: Int) {
            let (tens, ones) = UInt8(truncatingIfNeeded: v).quotientAndRemainder(dividingBy: 10)
            p[i] = ASCII.decimalDigit(tens)
            p[i + 1] = ASCII.decimalDigit(ones)
        }
        two(year / 100, at: 0); two(year % 100, at: 2)
        out[4] = UInt8(ascii: "-"); two(m, at: 5)
        out[7] = UInt8(ascii: "-"); two(d, at: 8)
        out[10] = UInt8(ascii: "T"); two(secs / 3600, at: 11)
        out[13] = UInt8(ascii: ":"); two(secs % 3600 / 60, at: 14)
        out[16] = UInt8(ascii: ":"); two(secs % 60, at: 17)
        guard let milliseconds else {
            out[19] = UInt8(ascii: "Z")
            return 20
        }
        let ms = Int64(max(0, min(999, milliseconds)))
        out[19] = UInt8(ascii: ".")
        out[20] = ASCII.decimalDigit(UInt8(ms / 100)); two(ms % 100, at: 21)
        out[23] = UInt8(ascii: "Z")
        return 24
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
