import HTTPServer

/// What one client may do: `--max-body-bytes`, `--header-timeout`, `--idle-timeout`,
/// `--max-connections`; and how the threads serving them are scheduled: `--cpu-scheduling`.
struct ConnectionOptions {
    private static let defaults = HTTPServerConfiguration()
    static let maxBodyBytesSetting = Setting("max-body-bytes", env: "CERTPACK_MOCK_MAX_BODY_BYTES", default: defaults.maxBodyBytes)
    static let headerTimeoutSetting = Setting("header-timeout", env: "CERTPACK_MOCK_HEADER_TIMEOUT", default: defaults.headerTimeout)
    static let idleTimeoutSetting = Setting("idle-timeout", env: "CERTPACK_MOCK_IDLE_TIMEOUT", default: defaults.idleTimeout)
    static let maxConnectionsSetting = Setting("max-connections", env: "CERTPACK_MOCK_MAX_CONNECTIONS", default: defaults.maxConnections)
    /// The command line adapts (the library's default leaves the process alone).
    static let cpuSchedulingSetting = Setting("cpu-scheduling", env: "CERTPACK_MOCK_CPU_SCHEDULING", default: CPUScheduling.adaptive)

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var maxBodyBytes: Int?
    var headerTimeout: Double?
    var idleTimeout: Double?
    var maxConnections: Int?
    var cpuScheduling: String?

    func check() throws {
        _ = try server(hosts: [], port: 0)
    }

    /// The server's configuration with these limits, listening where `ListenOptions` says.
    func server(hosts: [String], port: Int) throws -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            hosts: hosts, port: port,
            maxBodyBytes: try Self.maxBodyBytesSetting.resolve(maxBodyBytes, atLeast: 1024),
            headerTimeout: try Self.headerTimeoutSetting.resolve(headerTimeout, atLeast: 0.1),
            idleTimeout: try Self.idleTimeoutSetting.resolve(idleTimeout, atLeast: 0.1),
            maxConnections: try Self.maxConnectionsSetting.resolve(maxConnections, atLeast: 1),
            cpuScheduling: try Self.cpuSchedulingSetting.resolve(choice: cpuScheduling))
    }
}
