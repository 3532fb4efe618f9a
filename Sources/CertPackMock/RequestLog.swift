import ASCIIBytes
import Logging

/// One answered request as the request log reports it: `POST /path 200 1.23ms HTTP/1.1`
/// (the Cloudflare error code after the status when there is one).
public struct RequestLogLine: Sendable {
    public var method: String
    public var path: Substring
    public var status: Int
    /// The first Cloudflare error code of the answer, if it failed.
    public var errorCode: Int?
    public var durationMilliseconds: Double
    /// "HTTP/1.1", "HTTP/1.0" or "HTTP/2".
    public var protocolName: String
    /// Control calls (`/__mock/...`) are logged at `debug`, Cloudflare calls at `info`.
    public var level: Logger.Level

    /// The line's message, as people read it.
    public var message: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: messageCapacity) { buffer in
            var w = ByteWriter(buffer)
            write(into: &w)
            return String(decoding: w.written, as: UTF8.self)
        }
    }

    /// Bytes enough for the message: its strings, and up to 20 characters for each number.
    package var messageCapacity: Int { method.utf8.count + path.utf8.count + protocolName.utf8.count + 80 }

    /// The message written straight into a log line's bytes (the command line's fast path).
    package func write(into w: inout ByteWriter) {
        w.put(method)
        w.put(UInt8(ascii: " "))
        w.put(path)
        w.put(UInt8(ascii: " "))
        w.putDecimal(status)
        if let errorCode {
            w.put(UInt8(ascii: " "))
            w.putDecimal(errorCode)
        }
        w.put(UInt8(ascii: " "))
        w.putFixed(durationMilliseconds, places: 2)
        w.put("ms ")
        w.put(protocolName)
    }

    /// `value` with exactly `places` decimals ("1.50").
    public static func fixed(_ value: Double, places: Int) -> String {
        ASCII.withFixed(value, places: places) { String(decoding: $0, as: UTF8.self) }
    }
}

/// Where request lines go. Every request produces one, so a writer may format them without
/// swift-log's per-call costs (the command line writes bytes straight to standard error);
/// `LoggerRequestLog`, the default for Swift users, hands them to a `Logger`.
public protocol RequestLog: Sendable {
    /// Checked before a line is built, so a level that is off costs nothing.
    func isEnabled(_ level: Logger.Level) -> Bool
    func write(_ line: RequestLogLine)
}

/// Request lines as `Logger` messages, with the fields as metadata (`method`, `path`,
/// `status`, `code`, `duration_ms`, `protocol`).
public struct LoggerRequestLog: RequestLog {
    public let logger: Logger

    public init(_ logger: Logger) { self.logger = logger }

    public func isEnabled(_ level: Logger.Level) -> Bool { logger.logLevel <= level }

    public func write(_ line: RequestLogLine) {
        logger.log(level: line.level, "\(line.message)", metadata: [
            "method": .string(line.method), "path": .string(String(line.path)), "status": .stringConvertible(line.status),
            "code": line.errorCode.map { .stringConvertible($0) } ?? .string(""),
            "duration_ms": .string(RequestLogLine.fixed(line.durationMilliseconds, places: 3)),
            "protocol": .string(line.protocolName),
        ])
    }
}
