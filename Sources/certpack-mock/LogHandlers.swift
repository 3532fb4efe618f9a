import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// `--log-format`: one line per event, for people (`text`) or machines (`json`).
enum LogFormat: String, CaseIterable {
    case text, json
}

/// Writes whole lines to standard error with one write each, so lines from
/// several threads never interleave.
struct LineLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let format: LogFormat

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let time = Self.timestamp()
        let text: String
        switch format {
        case .text:
            text = "\(time) \(level.rawValue.uppercased()) \(message)\n"
        case .json:
            var fields: [(String, String)] = [("time", time), ("level", level.rawValue), ("message", message.description)]
            for (k, v) in self.metadata.merging(extra ?? [:], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
                fields.append((k, v.description))
            }
            text = "{" + fields.map { "\(Self.quote($0.0)):\(Self.value($0.0, $0.1))" }.joined(separator: ",") + "}\n"
        }
        StandardError.write(text)
    }

    /// Numbers stay numbers in JSON logs.
    private static func value(_ key: String, _ v: String) -> String {
        if ["status", "code", "duration_ms", "port"].contains(key), Double(v) != nil { return v }
        return quote(v)
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + padded(u.value, 4, radix: 16) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    private static func timestamp() -> String {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        var tm = tm()
        var secs = t.tv_sec
        gmtime_r(&secs, &tm)
        return padded(tm.tm_year + 1900, 4) + "-" + padded(tm.tm_mon + 1, 2) + "-" + padded(tm.tm_mday, 2)
            + "T" + padded(tm.tm_hour, 2) + ":" + padded(tm.tm_min, 2) + ":" + padded(tm.tm_sec, 2)
            + "." + padded(t.tv_nsec / 1_000_000, 3) + "Z"
    }

    /// `value` in `radix` with leading zeros up to `width` digits.
    private static func padded(_ value: some BinaryInteger, _ width: Int, radix: Int = 10) -> String {
        let digits = String(value, radix: radix)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
