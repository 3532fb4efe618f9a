import ArgumentParser
import CertPackMock
import FoundationEssentials
import Logging

/// `certpack-mock [serve]`: the server itself. Its options live here, not on the root
/// command, so that `healthcheck --port` reaches the healthcheck (ArgumentParser gives a
/// parent's options precedence over a subcommand's of the same name).
///
/// `validate()` checks every group's flags, variables and defaults before anything starts;
/// `run()` only assembles what they resolve to. To add an option: in the group it belongs to,
/// a `Setting` (its variable and default) and an `@Option` using that setting's `help`, a
/// line in the group's `check()` if the value can be wrong, and its resolved value passed on
/// where `makeConfiguration()` (or `run()`) uses it. A new group is one more `@OptionGroup`
/// here and one more line in `validate()`.
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

    // The groups' order is the order of `--help`.
    @OptionGroup var listen: ListenOptions
    @OptionGroup var state: StateOptions
    @OptionGroup var lifecycle: LifecycleOptions
    @OptionGroup var orders: OrderOptions
    @OptionGroup var rateLimit: RateLimitOptions
    @OptionGroup var connections: ConnectionOptions
    @OptionGroup var recording: RecordingOptions
    @OptionGroup var tls: TLSOptions

    /// The groups are checked here rather than in their own `validate()`: ArgumentParser
    /// answers a group's validation error with the whole help and exit status 64 when the
    /// command line is empty (`docker run IMAGE` with a bad variable), a command's with the
    /// message and status 1.
    func validate() throws {
        try listen.check()
        try lifecycle.check()
        try orders.check()
        try rateLimit.check()
        try connections.check()
        try recording.check()
        try tls.check()
    }

    func run() throws {
        let (logger, requestLog) = try recording.logging()
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
        if let portFile = try listen.resolvedPortFile() {
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
        let server = try connections.server(hosts: try listen.hosts(), port: try listen.resolvedPort())
        var configuration = MockConfiguration(
            fixtures: try state.loadFixtures(),
            lifecycleMode: try lifecycle.mode(),
            durations: try lifecycle.durations(),
            clockMode: try lifecycle.clockMode(),
            clockStart: try lifecycle.clockStartSeconds(),
            packIDFormat: try orders.packIDFormat(),
            seed: try orders.resolvedSeed(),
            enforceAuthorityRules: try orders.enforceAuthorityRules(),
            rateLimit: try rateLimit.settings(),
            journalCapacity: try recording.journalCapacity(),
            stateFile: try state.resolvedStateFile())
        configuration.server = server
        configuration.server.tls = try tls.provider(http2: true, logger: logger)
        return configuration
    }
}
