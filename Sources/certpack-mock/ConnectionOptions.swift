import ArgumentParser
import HTTPServer
import Sockets

/// What one client may do: `--max-body-bytes`, `--header-timeout`, `--idle-timeout`,
/// `--max-connections`; and how the threads serving them are scheduled: `--cpu-scheduling`.
struct ConnectionOptions: ParsableArguments {
    private static let defaults = HTTPServerConfiguration()
    static let maxBodyBytesSetting = Setting("max-body-bytes", env: "CERTPACK_MOCK_MAX_BODY_BYTES", default: defaults.maxBodyBytes)
    static let headerTimeoutSetting = Setting("header-timeout", env: "CERTPACK_MOCK_HEADER_TIMEOUT", default: defaults.headerTimeout)
    static let idleTimeoutSetting = Setting("idle-timeout", env: "CERTPACK_MOCK_IDLE_TIMEOUT", default: defaults.idleTimeout)
    static let maxConnectionsSetting = Setting("max-connections", env: "CERTPACK_MOCK_MAX_CONNECTIONS", default: defaults.maxConnections)
    static let cpuSchedulingSetting = Setting("cpu-scheduling", env: "CERTPACK_MOCK_CPU_SCHEDULING", default: CPUScheduling.normal)

    @Option(help: maxBodyBytesSetting.help("Largest request body in bytes; larger gets 413."))
    var maxBodyBytes: Int?

    @Option(help: headerTimeoutSetting.help("Seconds a client has to send its request headers."))
    var headerTimeout: Double?

    @Option(help: idleTimeoutSetting.help("Seconds an idle keep-alive connection stays open."))
    var idleTimeout: Double?

    @Option(help: maxConnectionsSetting.help("Most connections open at once."))
    var maxConnections: Int?

    @Option(help: cpuSchedulingSetting.help("""
        normal, or batch (Linux SCHED_BATCH for all the mock's threads): about 1.5x the requests \
        per second under many connections on a core, but each answer can wait a time slice \
        (milliseconds) when other processes keep the CPU busy.
        """))
    var cpuScheduling: String?

    func check() throws {
        _ = try server(hosts: [], port: 0)
        _ = try Self.cpuSchedulingSetting.resolve(choice: cpuScheduling)
    }

    /// Applies `--cpu-scheduling` to this thread, which every later thread inherits: call it
    /// before anything starts a thread.
    func applyScheduling() throws {
        guard try Self.cpuSchedulingSetting.resolve(choice: cpuScheduling) == .batch else { return }
        do {
            try useBatchScheduling()
        } catch {
            throw SettingError(description: "--cpu-scheduling batch: \(error)")
        }
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
