import ArgumentParser
import CertPackMock

/// What the mock starts with: `--fixtures`.
struct StateOptions: ParsableArguments {
    static let fixturesSetting = Setting<String>("fixtures", env: "CERTPACK_MOCK_FIXTURES")

    @Option(help: fixturesSetting.help("Folder with zones.json, credentials.json and packs.json replacing the built-in fixtures."))
    var fixtures: String?

    /// Reads the folder (at start, not in `validate()`: it is I/O, and `--help` must not need it).
    func loadFixtures() throws -> Fixtures {
        guard let directory = try Self.fixturesSetting.resolveIfSet(fixtures) else { return .builtIn }
        do { return try Fixtures.load(directory: directory) } catch let error as FixtureError {
            throw SettingError(description: "fixtures: \(error.description)")
        }
    }
}
