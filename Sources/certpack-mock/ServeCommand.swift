import ArgumentParser
import CertPackMock
import FoundationEssentials
import Logging

/// `certpack-mock [serve]`: the server itself. Its options live here, not on the root
/// command, so that `healthcheck --port` reaches the healthcheck (ArgumentParser gives a
/// parent's options precedence over a subcommand's of the same name).
///
/// Every option is a property of this one type, in the order of `--help`, rather than in
/// an `@OptionGroup` per topic: ArgumentParser reflects and decodes each group type on its
/// own, several times per parse, and the runtime's first look-ups for each new type made
/// the eight groups cost about 7M of the 30M instructions before the first answer. The
/// topics stay: each has a plain struct (`ListenOptions`, `TLSOptions`…) holding its
/// settings (variable, default, `--help` suffix) and the code that checks and resolves
/// them, made from these properties.
///
/// `validate()` checks every topic's flags, variables and defaults before anything starts;
/// `run()` only assembles what they resolve to. To add an option: in the topic's struct, a
/// `Setting` and a property, a line in its `check()` if the value can be wrong, and its
/// resolved value passed on where `makeConfiguration()` (or `run()`) uses it; here, an
/// `@Option` using that setting's `name` and `help`, and the property passed to the topic's struct.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Given, not derived: deriving it prints the type's name, which costs a runtime look-up.
        commandName: "serve",
        abstract: "Run the mock (the default: `certpack-mock --port 0` is `certpack-mock serve --port 0`).",
        discussion: """
        Point a Cloudflare client at http://127.0.0.1:PORT/client/v4 (Python SDK: base_url=...). \
        Every option has an environment-variable twin, shown in its help; a flag beats its variable, \
        which beats the default. Test controls live under /__mock/ (see README).
        """)

    // MARK: Where the mock listens (ListenOptions)

    @Option(name: ListenOptions.hostSetting.name, help: ListenOptions.hostSetting.help("Addresses to listen on, comma-separated. Use 0.0.0.0 to accept other machines (Docker)."))
    var host: String?

    @Option(name: ListenOptions.portSetting.name, help: ListenOptions.portSetting.help("Port to listen on; 0 picks a free one."))
    var port: Int?

    @Option(name: ListenOptions.portFileSetting.name, help: ListenOptions.portFileSetting.help("Write the bound port to this file once listening (for scripts using --port 0)."))
    var portFile: String?

    // MARK: What the mock starts with and keeps (StateOptions)

    @Option(name: StateOptions.fixturesSetting.name, help: StateOptions.fixturesSetting.help("Folder with zones.json, credentials.json and packs.json replacing the built-in fixtures."))
    var fixtures: String?

    @Option(name: StateOptions.stateFileSetting.name, help: StateOptions.stateFileSetting.help("Keep zones, credentials, packs, fault rules and the clock in this file across restarts (loaded at start, saved within a second of changes and at stop)."))
    var stateFile: String?

    // MARK: How packs move and on which clock (LifecycleOptions)

    @Option(name: LifecycleOptions.lifecycleSetting.name, help: LifecycleOptions.lifecycleSetting.help("How packs move: timed, immediate, manual (only /__mock/ moves them) or per-read (one stage per GET)."))
    var lifecycle: String?

    @Option(name: LifecycleOptions.initializingSetting.name, help: LifecycleOptions.initializingSetting.help("Seconds in initializing (timed mode)."))
    var initializingSeconds: Double?

    @Option(name: LifecycleOptions.validationSetting.name, help: LifecycleOptions.validationSetting.help("Seconds in pending_validation."))
    var validationSeconds: Double?

    @Option(name: LifecycleOptions.issuanceSetting.name, help: LifecycleOptions.issuanceSetting.help("Seconds in pending_issuance."))
    var issuanceSeconds: Double?

    @Option(name: LifecycleOptions.deploymentSetting.name, help: LifecycleOptions.deploymentSetting.help("Seconds in pending_deployment."))
    var deploymentSeconds: Double?

    @Option(name: LifecycleOptions.clockSetting.name, help: LifecycleOptions.clockSetting.help("Virtual clock: system (wall time plus advances) or manual (moves only when advanced)."))
    var clock: String?

    @Option(name: LifecycleOptions.clockStartSetting.name, help: LifecycleOptions.clockStartSetting.help("Where a manual clock starts: seconds since 1970 or RFC 3339 (2026-01-01T00:00:00Z)."))
    var clockStart: String?

    // MARK: What orders get (OrderOptions)

    @Option(name: OrderOptions.packIDFormatSetting.name, help: OrderOptions.packIDFormatSetting.help("Pack id format: hex (32 hex digits, the seed's) or uuid (the current API's)."))
    var packIdFormat: String?

    @Option(name: OrderOptions.seedSetting.name, help: OrderOptions.seedSetting.help("Seed for ids and tokens; the same seed gives the same answers."))
    var seed: UInt64?

    @Option(name: OrderOptions.caRulesSetting.name, help: OrderOptions.caRulesSetting.help("CA rules beyond the seed's schema: strict (validity per CA, no http with wildcards, email only with ssl_com) or off."))
    var caRules: String?

    // MARK: Cloudflare's rate limit (RateLimitOptions)

    @Option(name: RateLimitOptions.rateLimitSetting.name, help: RateLimitOptions.rateLimitSetting.help("Refuse requests past Cloudflare's rate limit with 429/971: on or off."))
    var rateLimit: String?

    @Option(name: RateLimitOptions.requestsSetting.name, help: RateLimitOptions.requestsSetting.help("Requests allowed per credential per window."))
    var rateLimitRequests: Int?

    @Option(name: RateLimitOptions.windowSetting.name, help: RateLimitOptions.windowSetting.help("Rate-limit window in seconds."))
    var rateLimitWindow: Double?

    // MARK: What one client may do, and how its threads are scheduled (ConnectionOptions)

    @Option(name: ConnectionOptions.maxBodyBytesSetting.name, help: ConnectionOptions.maxBodyBytesSetting.help("Largest request body in bytes; larger gets 413."))
    var maxBodyBytes: Int?

    @Option(name: ConnectionOptions.headerTimeoutSetting.name, help: ConnectionOptions.headerTimeoutSetting.help("Seconds a client has to send its request headers."))
    var headerTimeout: Double?

    @Option(name: ConnectionOptions.idleTimeoutSetting.name, help: ConnectionOptions.idleTimeoutSetting.help("Seconds an idle keep-alive connection stays open."))
    var idleTimeout: Double?

    @Option(name: ConnectionOptions.maxConnectionsSetting.name, help: ConnectionOptions.maxConnectionsSetting.help("Most connections open at once."))
    var maxConnections: Int?

    @Option(name: ConnectionOptions.cpuSchedulingSetting.name, help: ConnectionOptions.cpuSchedulingSetting.help("""
        adaptive, normal or batch. batch: Linux SCHED_BATCH for all the mock's threads, which \
        saves context switches under load (about 1.4x the requests per second on a busy core) \
        but makes answers wait behind other busy processes; adaptive: batch only while no \
        other process uses the mock's CPUs.
        """))
    var cpuScheduling: String?

    // MARK: What the mock records (RecordingOptions)

    @Option(name: RecordingOptions.journalLimitSetting.name, help: RecordingOptions.journalLimitSetting.help("Requests kept in the journal (/__mock/requests); 0 turns it off."))
    var journalLimit: Int?

    @Option(name: RecordingOptions.logLevelSetting.name, help: RecordingOptions.logLevelSetting.help("trace, debug, info, notice, warning, error or critical. info logs one line per request."))
    var logLevel: String?

    @Option(name: RecordingOptions.logFormatSetting.name, help: RecordingOptions.logFormatSetting.help("text (for people) or json (one object per line)."))
    var logFormat: String?

    // MARK: HTTPS on the listening port (TLSOptions)

    @Option(name: TLSOptions.tlsSetting.name, help: TLSOptions.tlsSetting.help("HTTPS on the same port as HTTP (a connection opening with a TLS handshake gets TLS): on or off."))
    var tls: String?

    @Option(name: TLSOptions.hostnameSetting.name, help: TLSOptions.hostnameSetting.help("Another DNS name or IP address for the server certificate, besides localhost, 127.0.0.1, ::1 and api.cloudflare.com; repeat the flag for more (the variable takes a comma-separated list)."))
    var tlsHostname: [String] = []

    @Option(name: TLSOptions.directorySetting.name, help: TLSOptions.directorySetting.help("Folder keeping the CA (ca.pem, ca-key.pem): made there on the first start and reused after, so clients trust it once."))
    var tlsDir: String?

    @Option(name: TLSOptions.certificateSetting.name, help: TLSOptions.certificateSetting.help("Your own server certificate (PEM, chain allowed) instead of the mock's; needs --tls-key."))
    var tlsCert: String?

    @Option(name: TLSOptions.keySetting.name, help: TLSOptions.keySetting.help("The private key (PEM, unencrypted) of --tls-cert."))
    var tlsKey: String?

    @Option(name: TLSOptions.caOutSetting.name, help: TLSOptions.caOutSetting.help("Write the mock's CA certificate (PEM) to this file at start-up, for clients to trust (also served at GET /__mock/tls/ca.pem)."))
    var tlsCaOut: String?

    // MARK: The topics, made from the flags above

    var listenOptions: ListenOptions { ListenOptions(host: host, port: port, portFile: portFile) }
    var stateOptions: StateOptions { StateOptions(fixtures: fixtures, stateFile: stateFile) }
    var lifecycleOptions: LifecycleOptions {
        LifecycleOptions(
            lifecycle: lifecycle, initializingSeconds: initializingSeconds, validationSeconds: validationSeconds,
            issuanceSeconds: issuanceSeconds, deploymentSeconds: deploymentSeconds, clock: clock, clockStart: clockStart)
    }
    var orderOptions: OrderOptions { OrderOptions(packIdFormat: packIdFormat, seed: seed, caRules: caRules) }
    var rateLimitOptions: RateLimitOptions {
        RateLimitOptions(rateLimit: rateLimit, rateLimitRequests: rateLimitRequests, rateLimitWindow: rateLimitWindow)
    }
    var connectionOptions: ConnectionOptions {
        ConnectionOptions(
            maxBodyBytes: maxBodyBytes, headerTimeout: headerTimeout, idleTimeout: idleTimeout,
            maxConnections: maxConnections, cpuScheduling: cpuScheduling)
    }
    var recordingOptions: RecordingOptions { RecordingOptions(journalLimit: journalLimit, logLevel: logLevel, logFormat: logFormat) }
    var tlsOptions: TLSOptions {
        TLSOptions(tls: tls, tlsHostname: tlsHostname, tlsDir: tlsDir, tlsCert: tlsCert, tlsKey: tlsKey, tlsCaOut: tlsCaOut)
    }

    /// Checked here, as a command's validation: ArgumentParser answers a group's validation
    /// error with the whole help and exit status 64 when the command line is empty
    /// (`docker run IMAGE` with a bad variable), a command's with the message and status 1.
    func validate() throws {
        try listenOptions.check()
        try lifecycleOptions.check()
        try orderOptions.check()
        try rateLimitOptions.check()
        try connectionOptions.check()
        try recordingOptions.check()
        try tlsOptions.check()
    }

    func run() throws {
        let (logger, requestLog) = try recordingOptions.logging()
        let config = try makeConfiguration(logger: logger)
        let signals = SignalWaiter()
        let mock: MockServer
        do {
            mock = try MockServer.start(config, logger: logger, requestLog: requestLog)
        } catch let error as StateFileError {
            throw SettingError(description: error.description)
        } catch {
            throw SettingError(description: "cannot listen on \(config.server.hosts.joined(separator: ",")) port \(config.server.port): \(error). Is another server on that port? Try --port 0.")
        }
        if let portFile = try listenOptions.resolvedPortFile() {
            try String(mock.port).write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        StartupBanner(mock: mock, fixtures: config.fixtures).log(to: logger)
        TLSOptions.logBanner(mock, tls: config.server.tls, to: logger)
        signals.wait()
        logger.info("stopping: finishing requests in flight")
        mock.stop(gracePeriod: 10)
        logger.info("stopped")
    }

    private func makeConfiguration(logger: Logger) throws -> MockConfiguration {
        // Every transport limit, read first as before; Swift users set only hosts and port.
        let server = try connectionOptions.server(hosts: try listenOptions.hosts(), port: try listenOptions.resolvedPort())
        var configuration = MockConfiguration(
            fixtures: try stateOptions.loadFixtures(),
            lifecycleMode: try lifecycleOptions.mode(),
            durations: try lifecycleOptions.durations(),
            clockMode: try lifecycleOptions.clockMode(),
            clockStart: try lifecycleOptions.clockStartSeconds(),
            packIDFormat: try orderOptions.packIDFormat(),
            seed: try orderOptions.resolvedSeed(),
            enforceAuthorityRules: try orderOptions.enforceAuthorityRules(),
            rateLimit: try rateLimitOptions.settings(),
            journalCapacity: try recordingOptions.journalCapacity(),
            stateFile: try stateOptions.resolvedStateFile())
        configuration.server = server
        configuration.server.tls = try tlsOptions.provider(http2: true, logger: logger)
        return configuration
    }
}
