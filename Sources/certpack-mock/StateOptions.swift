import CertPackMock

/// What the mock starts with and keeps: `--fixtures`, `--state-file`.
struct StateOptions {
    static let fixturesSetting = Setting<String>("fixtures", env: "CERTPACK_MOCK_FIXTURES")
    static let stateFileSetting = Setting<String>("state-file", env: "CERTPACK_MOCK_STATE_FILE")

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var fixtures: String?
    var stateFile: String?

    func resolvedStateFile() throws -> String? { try Self.stateFileSetting.resolveIfSet(stateFile) }

    /// Reads the folder (at start, not in `validate()`: it is I/O, and `--help` must not need it).
    func loadFixtures() throws -> Fixtures {
        guard let directory = try Self.fixturesSetting.resolveIfSet(fixtures) else { return .builtIn }
        do { return try Fixtures.load(directory: directory) } catch let error as FixtureError {
            throw SettingError(description: "fixtures: \(error.description)")
        }
    }
}
