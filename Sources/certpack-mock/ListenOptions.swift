import HTTPServer

/// Where the mock listens: `--host`, `--port`, `--port-file`.
struct ListenOptions {
    /// The server's own defaults, so the mock and the library cannot drift apart.
    private static let defaults = HTTPServerConfiguration()
    static let hostSetting = Setting<String>("host", env: "CERTPACK_MOCK_HOST", default: defaults.hosts.joined(separator: ","))
    /// Also the healthcheck's: it probes where `serve` listens unless told otherwise.
    static let portSetting = Setting<Int>("port", env: "CERTPACK_MOCK_PORT", default: defaults.port)
    static let portFileSetting = Setting<String>("port-file", env: "CERTPACK_MOCK_PORT_FILE")

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var host: String?
    var port: Int?
    var portFile: String?

    func check() throws {
        _ = try hosts()
        _ = try resolvedPort()
    }

    /// "127.0.0.1, ::1" is two addresses: blanks around each are dropped.
    func hosts() throws -> [String] {
        let hosts = try Self.hostSetting.resolve(host).split(separator: ",").map(Self.trimmed).filter { !$0.isEmpty }
        guard !hosts.isEmpty else { throw SettingError(description: "--host needs at least one address, e.g. 127.0.0.1") }
        return hosts
    }

    func resolvedPort() throws -> Int {
        let port = try Self.portSetting.resolve(port, atLeast: 0)
        guard port <= 65535 else { throw SettingError(description: "--port must be from 0 to 65535, got \(port)") }
        return port
    }

    func resolvedPortFile() throws -> String? {
        try Self.portFileSetting.resolveIfSet(portFile)
    }

    private static func trimmed(_ element: Substring) -> String {
        let isBlank = { (c: Character) in c == " " || c == "\t" }
        guard let first = element.firstIndex(where: { !isBlank($0) }), let last = element.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(element[first...last])
    }
}
