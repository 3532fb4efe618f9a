import ASCIIBytes
import CertPackMock
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif
import Logging
import StrictJSON

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

    func log(event: LogEvent) {
        var bytes = LogLine.start(level: event.level, format: format)
        switch format {
        case .text:
            bytes.append(contentsOf: event.message.description.utf8)
            LogLine.endText(&bytes)
        case .json:
            var fields: [(String, String)] = [("level", event.level.rawValue), ("message", event.message.description)]
            for (k, v) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { fields.append((k, v.description)) }
            fields.sort { $0.0 < $1.0 }
            var w = JSONWriter(reserving: 256)
            w.objectStart()
            for (key, value) in fields {
                w.key(key)
                // Numbers stay numbers in JSON logs.
                if ["status", "code", "duration_ms", "port"].contains(key), Double(value) != nil { w.raw(value.utf8) } else { w.string(value) }
            }
            LogLine.endJSON(&w, into: &bytes)
        }
        // After the request lines before it, and at once.
        bytes.withUnsafeBufferPointer { StandardError.writeLine($0, promptly: true) }
    }
}

/// The request log of the command line: each line formatted straight into bytes, in the
/// format and with the fields `LineLogHandler` gives it through `LoggerRequestLog`, without
/// swift-log's metadata dictionary and string interpolation on every request. Inside a
/// connection queue's turn the line joins the turn's `TurnLog`, written with one write(2)
/// at the turn's end before the turn's answers go out; elsewhere it is written at once.
/// Either way a crash never loses the line of a request that was answered.
struct StandardErrorRequestLog: RequestLog {
    let logLevel: Logger.Level
    let format: LogFormat

    func isEnabled(_ level: Logger.Level) -> Bool { logLevel <= level }

    func write(_ line: RequestLogLine) {
        switch format {
        case .text:
            // The request log's own path: formatted straight into the turn's buffer, or on
            // the stack outside a turn (StandardError.writeLine takes lines already made).
            let capacity = LogLine.textStartCapacity + line.messageCapacity + 1
            if let turn = TurnLog.current {
                turn.append(capacity: capacity) { Self.writeText(line, into: &$0) }
                return
            }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                var w = ByteWriter(buffer)
                Self.writeText(line, into: &w)
                StandardError.write(w.written)
            }
        case .json:
            var bytes: [UInt8] = []
            // The keys in LineLogHandler's order (sorted), the time last.
            var w = JSONWriter(reserving: 320)
            w.objectStart()
            w.key("code"); if let code = line.errorCode { w.int(code) } else { w.string("") }
            var duration: [UInt8] = []
            ASCII.appendFixed(line.durationMilliseconds, places: 3, to: &duration)
            w.key("duration_ms"); w.raw(duration)
            w.key("level"); w.string(line.level.rawValue)
            w.key("message"); w.string(line.message)
            w.key("method"); w.string(line.method)
            w.key("path"); w.string(line.path)
            w.key("protocol"); w.string(line.protocolName)
            w.key("status"); w.int(line.status)
            LogLine.endJSON(&w, into: &bytes)
            bytes.withUnsafeBufferPointer { StandardError.writeLine($0) }
        }
    }

    private static func writeText(_ line: RequestLogLine, into w: inout ByteWriter) {
        LogLine.writeTextStart(level: line.level, into: &w)
        line.write(into: &w)
        w.put(UInt8(ascii: "\n"))
    }
}

/// The parts every log line shares: text lines open with the time and level, JSON
/// objects close with the time.
enum LogLine {
    /// A text line's `2026-12-02T00:23:11.123Z INFO `, or an empty buffer for JSON.
    static func start(level: Logger.Level, format: LogFormat) -> [UInt8] {
        guard format == .text else { return [] }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: textStartCapacity) { buffer in
            var w = ByteWriter(buffer)
            writeTextStart(level: level, into: &w)
            return Array(w.written)
        }
    }

    /// Bytes enough for `writeTextStart`.
    static let textStartCapacity = 40

    /// `2026-12-02T00:23:11.123Z INFO `: the time and level a text line opens with.
    static func writeTextStart(level: Logger.Level, into w: inout ByteWriter) {
        writeTime(into: &w)
        w.put(UInt8(ascii: " "))
        w.put(upperName(level))
        w.put(UInt8(ascii: " "))
    }

    static func endText(_ bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Adds `"time"` as the object's last key, closes the object and ends the line.
    static func endJSON(_ w: inout JSONWriter, into bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 26) { buffer in
            var time = ByteWriter(buffer)
            time.put(UInt8(ascii: "\""))
            writeTime(into: &time)
            time.put(UInt8(ascii: "\""))
            w.key("time"); w.raw(UnsafeRawBufferPointer(time.written))
        }
        w.objectEnd()
        bytes.append(contentsOf: w.bytes)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Wall-clock time with milliseconds, UTC.
    static func writeTime(into w: inout ByteWriter) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        Timestamp.write(Int64(now.tv_sec), milliseconds: Int(now.tv_nsec / 1_000_000), into: &w)
    }

    private static func upperName(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }
}
