import CertPackMock
import Logging

/// What the mock records: `--journal-limit`, `--log-level`, `--log-format`.
struct RecordingOptions {
    static let journalLimitSetting = Setting("journal-limit", env: "CERTPACK_MOCK_JOURNAL_LIMIT", default: MockConfiguration.optionDefaults.journalCapacity)
    static let logLevelSetting = Setting("log-level", env: "CERTPACK_MOCK_LOG_LEVEL", default: Logger.Level.info, choiceLabel: "log level")
    static let logFormatSetting = Setting("log-format", env: "CERTPACK_MOCK_LOG_FORMAT", default: LogFormat.text, choiceLabel: "log format")

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var journalLimit: Int?
    var logLevel: String?
    var logFormat: String?

    func check() throws {
        _ = try journalCapacity()
        _ = try logging()
    }

    func journalCapacity() throws -> Int {
        try Self.journalLimitSetting.resolve(journalLimit, atLeast: 0)
    }

    /// The general logger and the per-request lines, in one level and format.
    func logging() throws -> (logger: Logger, requestLog: StandardErrorRequestLog) {
        let level = try Self.logLevelSetting.resolve(choice: logLevel)
        let format = try Self.logFormatSetting.resolve(choice: logFormat)
        return (Logger(label: "certpack-mock") { _ in LineLogHandler(logLevel: level, format: format) },
                StandardErrorRequestLog(logLevel: level, format: format))
    }
}
