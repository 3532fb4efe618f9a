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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        appendMessage(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The message written straight into a log line's bytes (the command line's fast path).
    package func appendMessage(to bytes: inout [UInt8]) {
        ASCII.withUTF8(method) { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: " "))
        ASCII.withUTF8(path) { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: " "))
        ASCII.appendDecimal(status, to: &bytes)
        if let errorCode {
            bytes.append(UInt8(ascii: " "))
            ASCII.appendDecimal(errorCode, to: &bytes)
        }
        bytes.append(UInt8(ascii: " "))
        ASCII.appendFixed(durationMilliseconds, places: 2, to: &bytes)
        bytes.append(UInt8(ascii: "m"))
        bytes.append(UInt8(ascii: "s"))
        bytes.append(UInt8(ascii: " "))
        ASCII.withUTF8(protocolName) { bytes.append(contentsOf: $0) }
    }

    /// `value` with exactly `places` decimals ("1.50").
    public static func fixed(_ value: Double, places: Int) -> String {
        var bytes: [UInt8] = []
        ASCII.appendFixed(value, places: places, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
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
