import ArgumentParser
import FoundationEssentials

/// `certpack-mock healthcheck`: exit 0 when a mock answers on the address, 1 otherwise.
struct Healthcheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe a running mock's /__mock/health; exit 0 if it answers 200, else 1 (for Docker HEALTHCHECK).")

    @Option(help: "Address to probe. (env: CERTPACK_MOCK_HEALTHCHECK_HOST, default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to probe. (env: CERTPACK_MOCK_PORT, default: 8080)")
    var port: Int?

    @Option(help: "Seconds to wait for an answer. (default: 3)")
    var timeout: Int = 3

    func run() throws {
        let host = Setting.resolve(host, env: "CERTPACK_MOCK_HEALTHCHECK_HOST", default: "127.0.0.1")
        let port = try Setting.resolve(port, env: "CERTPACK_MOCK_PORT", default: 8080) { Int($0) }
        guard HealthProbe.check(host: host, port: port, timeoutSeconds: max(1, timeout)) else {
            StandardError.write("certpack-mock healthcheck: no healthy mock at \(host):\(port)\n")
            throw ExitCode(1)
        }
        print("ok")
    }
}
