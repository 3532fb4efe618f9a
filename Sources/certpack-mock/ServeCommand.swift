import ArgumentParser
import CertificatePacks
import CertPackMock
import Dispatch
import FoundationEssentials
import HTTPServer
import Logging

/// `certpack-mock [serve]`: the server itself. Its options live here, not on the root
/// command, so that `healthcheck --port` reaches the healthcheck (ArgumentParser gives a
/// parent's options precedence over a subcommand's of the same name).
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the mock (the default: `certpack-mock --port 0` is `certpack-mock serve --port 0`).",
        discussion: """
        Point a Cloudflare client at http://127.0.0.1:PORT/client/v4 (Python SDK: base_url=...). \
        Every option has an environment-variable twin, shown in its help; a flag beats its variable, \
        which beats the default. Test controls live under /__mock/ (see README).
        """)

    @Option(help: "Addresses to listen on, comma-separated. Use 0.0.0.0 to accept other machines (Docker). (env: CERTPACK_MOCK_HOST, default: 127.0.0.1,::1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. (env: CERTPACK_MOCK_PORT, default: 8080)")
    var port: Int?

    @Option(help: "Write the bound port to this file once listening (for scripts using --port 0). (env: CERTPACK_MOCK_PORT_FILE)")
    var portFile: String?

    @Option(help: "Folder with zones.json, credentials.json and packs.json replacing the built-in fixtures. (env: CERTPACK_MOCK_FIXTURES)")
    var fixtures: String?

    @Option(help: "How packs move: timed, immediate, manual (only /__mock/ moves them) or per-read (one stage per GET). (env: CERTPACK_MOCK_LIFECYCLE, default: timed)")
    var lifecycle: String?

    @Option(help: "Seconds in initializing (timed mode). (env: CERTPACK_MOCK_INITIALIZING_SECONDS, default: 1)")
    var initializingSeconds: Double?

    @Option(help: "Seconds in pending_validation. (env: CERTPACK_MOCK_VALIDATION_SECONDS, default: 2)")
    var validationSeconds: Double?

    @Option(help: "Seconds in pending_issuance. (env: CERTPACK_MOCK_ISSUANCE_SECONDS, default: 1)")
    var issuanceSeconds: Double?

    @Option(help: "Seconds in pending_deployment. (env: CERTPACK_MOCK_DEPLOYMENT_SECONDS, default: 1)")
    var deploymentSeconds: Double?

    @Option(help: "Virtual clock: system (wall time plus advances) or manual (moves only when advanced). (env: CERTPACK_MOCK_CLOCK, default: system)")
    var clock: String?

    @Option(help: "Where a manual clock starts: seconds since 1970 or RFC 3339 (2026-01-01T00:00:00Z). (env: CERTPACK_MOCK_CLOCK_START, default: now)")
    var clockStart: String?

    @Option(help: "Pack id format: hex (32 hex digits, the seed's) or uuid (the current API's). (env: CERTPACK_MOCK_PACK_ID_FORMAT, default: hex)")
    var packIdFormat: String?

    @Option(help: "Seed for ids and tokens; the same seed gives the same answers. (env: CERTPACK_MOCK_SEED, default: random)")
    var seed: UInt64?

    @Option(help: "CA rules beyond the seed's schema: strict (validity per CA, no http with wildcards, email only with ssl_com) or off. (env: CERTPACK_MOCK_CA_RULES, default: strict)")
    var caRules: String?

    @Option(help: "Refuse requests past Cloudflare's rate limit with 429/971: on or off. (env: CERTPACK_MOCK_RATE_LIMIT, default: off)")
    var rateLimit: String?

    @Option(help: "Requests allowed per credential per window. (env: CERTPACK_MOCK_RATE_LIMIT_REQUESTS, default: 1200)")
    var rateLimitRequests: Int?

    @Option(help: "Rate-limit window in seconds. (env: CERTPACK_MOCK_RATE_LIMIT_WINDOW, default: 300)")
    var rateLimitWindow: Double?

    @Option(help: "Largest request body in bytes; larger gets 413. (env: CERTPACK_MOCK_MAX_BODY_BYTES, default: 1048576)")
    var maxBodyBytes: Int?

    @Option(help: "Seconds a client has to send its request headers. (env: CERTPACK_MOCK_HEADER_TIMEOUT, default: 10)")
    var headerTimeout: Double?

    @Option(help: "Seconds an idle keep-alive connection stays open. (env: CERTPACK_MOCK_IDLE_TIMEOUT, default: 60)")
    var idleTimeout: Double?

    @Option(help: "Most connections open at once. (env: CERTPACK_MOCK_MAX_CONNECTIONS, default: 10000)")
    var maxConnections: Int?

    @Option(help: "Requests kept in the journal (/__mock/requests); 0 turns it off. (env: CERTPACK_MOCK_JOURNAL_LIMIT, default: 10000)")
    var journalLimit: Int?

    @Option(help: "Keep zones, credentials, packs, fault rules and the clock in this file across restarts (loaded at start, saved within a second of changes and at stop). (env: CERTPACK_MOCK_STATE_FILE, default: none)")
    var stateFile: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. info logs one line per request. (env: CERTPACK_MOCK_LOG_LEVEL, default: info)")
    var logLevel: String?

    @Option(help: "text (for people) or json (one object per line). (env: CERTPACK_MOCK_LOG_FORMAT, default: text)")
    var logFormat: String?

    func run() throws {
        let config = try makeConfiguration()
        let logger = try makeLogger()
        let signals = SignalWaiter()
        let mock: MockServer
        do {
            mock = try MockServer.start(config.mock, logger: logger)
        } catch let error as StateFileError {
            throw SettingError(description: error.description)
        } catch {
            throw SettingError(description: "cannot listen on \(config.mock.server.hosts.joined(separator: ",")) port \(config.mock.server.port): \(error). Is another server on that port? Try --port 0.")
        }
        if let portFile = config.portFile {
            try String(mock.port).write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        StartupBanner(mock: mock, fixtures: config.mock.fixtures).log(to: logger)
        signals.wait()
        logger.info("stopping: finishing requests in flight")
        mock.stop(gracePeriod: 10)
        logger.info("stopped")
    }

    private func makeLogger() throws -> Logger {
        let level = Setting.resolve(logLevel, env: "CERTPACK_MOCK_LOG_LEVEL", default: "info")
        guard let parsedLevel = Logger.Level(rawValue: level.lowercased()) else {
            throw SettingError(description: "log level '\(level)' is not one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let formatName = Setting.resolve(logFormat, env: "CERTPACK_MOCK_LOG_FORMAT", default: "text")
        guard let format = LogFormat(rawValue: formatName) else {
            throw SettingError(description: "log format '\(formatName)' is not one of text, json")
        }
        return Logger(label: "certpack-mock") { _ in LineLogHandler(logLevel: parsedLevel, format: format) }
    }

    private func makeConfiguration() throws -> (mock: MockConfiguration, portFile: String?) {
        func choice<E: RawRepresentable & CaseIterable>(_ flag: String?, _ env: String, _ option: String, default value: E) throws -> E where E.RawValue == String {
            let raw = Setting.resolve(flag, env: env, default: value.rawValue)
            guard let v = E(rawValue: raw) else {
                throw SettingError(description: "--\(option) '\(raw)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", ")) (set by flag or \(env))")
            }
            return v
        }
        func number(_ flag: Double?, _ env: String, _ option: String, default value: Double, minimum: Double = 0) throws -> Double {
            let v = try Setting.resolve(flag, env: env, default: value) { Double($0) }
            guard v >= minimum, v.isFinite else { throw SettingError(description: "--\(option) must be a number >= \(minimum), got \(v)") }
            return v
        }
        func count(_ flag: Int?, _ env: String, _ option: String, default value: Int, minimum: Int = 0) throws -> Int {
            let v = try Setting.resolve(flag, env: env, default: value) { Int($0) }
            guard v >= minimum else { throw SettingError(description: "--\(option) must be a whole number >= \(minimum), got \(v)") }
            return v
        }

        let hosts = Setting.resolve(host, env: "CERTPACK_MOCK_HOST", default: "127.0.0.1,::1")
            .split(separator: ",").map(Setting.trimmed).filter { !$0.isEmpty }
        guard !hosts.isEmpty else { throw SettingError(description: "--host needs at least one address, e.g. 127.0.0.1") }
        let port = try count(self.port, "CERTPACK_MOCK_PORT", "port", default: 8080)
        guard port <= 65535 else { throw SettingError(description: "--port must be from 0 to 65535, got \(port)") }

        var fixtures = Fixtures.builtIn
        if let dir = Setting.optional(self.fixtures, env: "CERTPACK_MOCK_FIXTURES") {
            do { fixtures = try Fixtures.load(directory: dir) } catch let error as FixtureError {
                throw SettingError(description: "fixtures: \(error.description)")
            }
        }
        var clockStartValue: Double?
        if let raw = Setting.optional(clockStart, env: "CERTPACK_MOCK_CLOCK_START") {
            guard let parsed = Double(raw) ?? (try? Date(raw, strategy: .iso8601))?.timeIntervalSince1970 else {
                throw SettingError(description: "--clock-start '\(raw)' is neither seconds since 1970 nor RFC 3339 like 2026-01-01T00:00:00Z")
            }
            clockStartValue = parsed
        }
        let rateLimitOn = try choice(rateLimit, "CERTPACK_MOCK_RATE_LIMIT", "rate-limit", default: Switch.off) == .on
        let server = HTTPServerConfiguration(
            hosts: hosts, port: port,
            maxBodyBytes: try count(maxBodyBytes, "CERTPACK_MOCK_MAX_BODY_BYTES", "max-body-bytes", default: 1 << 20, minimum: 1024),
            headerTimeout: try number(headerTimeout, "CERTPACK_MOCK_HEADER_TIMEOUT", "header-timeout", default: 10, minimum: 0.1),
            idleTimeout: try number(idleTimeout, "CERTPACK_MOCK_IDLE_TIMEOUT", "idle-timeout", default: 60, minimum: 0.1),
            maxConnections: try count(maxConnections, "CERTPACK_MOCK_MAX_CONNECTIONS", "max-connections", default: 10_000, minimum: 1))
        let mock = MockConfiguration(
            server: server,
            fixtures: fixtures,
            lifecycleMode: try choice(lifecycle, "CERTPACK_MOCK_LIFECYCLE", "lifecycle", default: LifecycleMode.timed),
            durations: LifecycleDurations(
                initializing: try number(initializingSeconds, "CERTPACK_MOCK_INITIALIZING_SECONDS", "initializing-seconds", default: 1),
                validation: try number(validationSeconds, "CERTPACK_MOCK_VALIDATION_SECONDS", "validation-seconds", default: 2),
                issuance: try number(issuanceSeconds, "CERTPACK_MOCK_ISSUANCE_SECONDS", "issuance-seconds", default: 1),
                deployment: try number(deploymentSeconds, "CERTPACK_MOCK_DEPLOYMENT_SECONDS", "deployment-seconds", default: 1)),
            clockMode: try choice(clock, "CERTPACK_MOCK_CLOCK", "clock", default: VirtualClock.Mode.system),
            clockStart: clockStartValue,
            packIDFormat: try choice(packIdFormat, "CERTPACK_MOCK_PACK_ID_FORMAT", "pack-id-format", default: IDGenerator.Format.hex32),
            seed: try Setting.resolve(seed, env: "CERTPACK_MOCK_SEED", default: nil) { UInt64($0) },
            enforceAuthorityRules: try choice(caRules, "CERTPACK_MOCK_CA_RULES", "ca-rules", default: CARules.strict) == .strict,
            rateLimit: RateLimiter.Settings(
                enabled: rateLimitOn,
                limit: try count(rateLimitRequests, "CERTPACK_MOCK_RATE_LIMIT_REQUESTS", "rate-limit-requests", default: 1200, minimum: 1),
                windowSeconds: try number(rateLimitWindow, "CERTPACK_MOCK_RATE_LIMIT_WINDOW", "rate-limit-window", default: 300, minimum: 1)),
            journalCapacity: try count(journalLimit, "CERTPACK_MOCK_JOURNAL_LIMIT", "journal-limit", default: 10_000),
            stateFile: Setting.optional(stateFile, env: "CERTPACK_MOCK_STATE_FILE"))
        return (mock, Setting.optional(portFile, env: "CERTPACK_MOCK_PORT_FILE"))
    }
}

enum Switch: String, CaseIterable { case on, off }
enum CARules: String, CaseIterable { case strict, off }
