import ArgumentParser
import CertPackMock

/// What the mock starts with and keeps: `--fixtures`, `--state-file`.
struct StateOptions: ParsableArguments {
    static let fixturesSetting = Setting<String>("fixtures", env: "CERTPACK_MOCK_FIXTURES")
    static let stateFileSetting = Setting<String>("state-file", env: "CERTPACK_MOCK_STATE_FILE")

    @Option(help: fixturesSetting.help("Folder with zones.json, credentials.json and packs.json replacing the built-in fixtures."))
    var fixtures: String?

    @Option(help: stateFileSetting.help("Keep zones, credentials, packs, fault rules and the clock in this file across restarts (loaded at start, saved within a second of changes and at stop)."))
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
