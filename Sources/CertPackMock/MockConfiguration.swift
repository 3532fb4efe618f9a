import CertificatePacks
import HTTPServer

/// Everything the mock needs to start; the CLI fills it from flags, env and defaults.
public struct MockConfiguration: Sendable {
    /// The transport settings; the command line fills every field, Swift users set
    /// `hosts` and `port` (HTTPServer is not part of the product).
    package var server: HTTPServerConfiguration

    /// Addresses to listen on (default: 127.0.0.1 and ::1).
    public var hosts: [String] {
        get { server.hosts }
        set { server.hosts = newValue }
    }

    /// 0 picks a free port (see `MockServer.port`).
    public var port: Int {
        get { server.port }
        set { server.port = newValue }
    }
    public var fixtures: Fixtures
    public var lifecycleMode: LifecycleMode
    public var durations: LifecycleDurations
    public var clockMode: VirtualClock.Mode
    /// Where a manual clock starts (seconds since 1970); nil is the wall clock at start.
    public var clockStart: Double?
    public var packIDFormat: IDGenerator.Format
    /// Makes ids and tokens repeat from run to run.
    public var seed: UInt64?
    /// CA rules beyond the seed's schema (validity per CA, no http with wildcards, email only with SSL.com).
    public var enforceAuthorityRules: Bool
    public var rateLimit: RateLimiter.Settings
    public var journalCapacity: Int
    /// `--state-file`: where zones, credentials, packs, fault rules and the clock are kept across restarts.
    public var stateFile: String?

    /// - Parameters:
    ///   - hosts: nil listens on 127.0.0.1 and ::1.
    ///   - port: 0 picks a free port.
    public init(
        hosts: [String]? = nil,
        port: Int = 0,
        fixtures: Fixtures = .builtIn,
        lifecycleMode: LifecycleMode = .timed,
        durations: LifecycleDurations = LifecycleDurations(),
        clockMode: VirtualClock.Mode = .system,
        clockStart: Double? = nil,
        packIDFormat: IDGenerator.Format = .hex32,
        seed: UInt64? = nil,
        enforceAuthorityRules: Bool = true,
        rateLimit: RateLimiter.Settings = RateLimiter.Settings(),
        journalCapacity: Int = 10_000,
        stateFile: String? = nil
    ) {
        server = HTTPServerConfiguration(port: port)
        if let hosts { server.hosts = hosts }
        self.fixtures = fixtures
        self.lifecycleMode = lifecycleMode
        self.durations = durations
        self.clockMode = clockMode
        self.clockStart = clockStart
        self.packIDFormat = packIDFormat
        self.seed = seed
        self.enforceAuthorityRules = enforceAuthorityRules
        self.rateLimit = rateLimit
        self.journalCapacity = journalCapacity
        self.stateFile = stateFile
    }
}
