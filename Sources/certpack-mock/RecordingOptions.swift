import ArgumentParser
import CertPackMock
import Logging

/// What the mock records: `--journal-limit`, `--log-level`, `--log-format`.
struct RecordingOptions: ParsableArguments {
    static let journalLimitSetting = Setting("journal-limit", env: "CERTPACK_MOCK_JOURNAL_LIMIT", default: MockConfiguration().journalCapacity)
    static let logLevelSetting = Setting("log-level", env: "CERTPACK_MOCK_LOG_LEVEL", default: Logger.Level.info, choiceLabel: "log level")
    static let logFormatSetting = Setting("log-format", env: "CERTPACK_MOCK_LOG_FORMAT", default: LogFormat.text, choiceLabel: "log format")

    @Option(help: journalLimitSetting.help("Requests kept in the journal (/__mock/requests); 0 turns it off."))
    var journalLimit: Int?

    @Option(help: logLevelSetting.help("trace, debug, info, notice, warning, error or critical. info logs one line per request."))
    var logLevel: String?

    @Option(help: logFormatSetting.help("text (for people) or json (one object per line)."))
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
