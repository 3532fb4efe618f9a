import ArgumentParser

/// `certpack-mock healthcheck`: exit 0 when a mock answers on the address, 1 otherwise.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Given, not derived: deriving it prints the type's name, which costs a runtime look-up.
        commandName: "healthcheck",
        abstract: "Probe a running mock's /__mock/health; exit 0 if it answers 200, else 1 (for Docker HEALTHCHECK).")

    static let hostSetting = Setting("host", env: "CERTPACK_MOCK_HEALTHCHECK_HOST", default: "127.0.0.1")

    @Option(help: hostSetting.help("Address to probe."))
    var host: String?

    @Option(help: ListenOptions.portSetting.help("Port to probe."))
    var port: Int?

    @Option(help: "Seconds to wait for an answer.")
    var timeout: Int = 3

    func run() throws {
        let host = try Self.hostSetting.resolve(host)
        let port = try ListenOptions.portSetting.resolve(port)
        guard HealthProbe.check(host: host, port: port, timeoutSeconds: max(1, timeout)) else {
            StandardError.write("certpack-mock healthcheck: no healthy mock at \(host):\(port)\n")
            throw ExitCode(1)
        }
        print("ok")
    }
}
