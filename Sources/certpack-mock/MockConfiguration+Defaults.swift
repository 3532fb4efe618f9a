import CertPackMock

extension MockConfiguration {
    /// The library's defaults, which the options show in `--help` and fall back to. Made
    /// without fixtures: `MockConfiguration()` would build the built-in ones, which `--fixtures`
    /// replaces and which otherwise are built once, when the mock starts.
    static let optionDefaults = MockConfiguration(fixtures: Fixtures(zones: [], credentials: []))
}
