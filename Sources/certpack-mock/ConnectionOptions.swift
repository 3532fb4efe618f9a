import ArgumentParser
import HTTPServer

/// What one client may do: `--max-body-bytes`, `--header-timeout`, `--idle-timeout`, `--max-connections`.
struct ConnectionOptions: ParsableArguments {
    private static let defaults = HTTPServerConfiguration()
    static let maxBodyBytesSetting = Setting("max-body-bytes", env: "CERTPACK_MOCK_MAX_BODY_BYTES", default: defaults.maxBodyBytes)
    static let headerTimeoutSetting = Setting("header-timeout", env: "CERTPACK_MOCK_HEADER_TIMEOUT", default: defaults.headerTimeout)
    static let idleTimeoutSetting = Setting("idle-timeout", env: "CERTPACK_MOCK_IDLE_TIMEOUT", default: defaults.idleTimeout)
    static let maxConnectionsSetting = Setting("max-connections", env: "CERTPACK_MOCK_MAX_CONNECTIONS", default: defaults.maxConnections)

    @Option(help: maxBodyBytesSetting.help("Largest request body in bytes; larger gets 413."))
    var maxBodyBytes: Int?

    @Option(help: headerTimeoutSetting.help("Seconds a client has to send its request headers."))
    var headerTimeout: Double?

    @Option(help: idleTimeoutSetting.help("Seconds an idle keep-alive connection stays open."))
    var idleTimeout: Double?

    @Option(help: maxConnectionsSetting.help("Most connections open at once."))
    var maxConnections: Int?

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
            maxConnections: try Self.maxConnectionsSetting.resolve(maxConnections, atLeast: 1))
    }
}
