import CertificatePacks
import CertPackMock

/// What orders get: `--pack-id-format`, `--seed`, `--ca-rules`.
struct OrderOptions {
    private static let defaults = MockConfiguration.optionDefaults
    static let packIDFormatSetting = Setting("pack-id-format", env: "CERTPACK_MOCK_PACK_ID_FORMAT", default: defaults.packIDFormat)
    static let seedSetting = Setting<UInt64>("seed", env: "CERTPACK_MOCK_SEED", unsetMeans: "random")
    static let caRulesSetting = Setting("ca-rules", env: "CERTPACK_MOCK_CA_RULES", default: defaults.enforceAuthorityRules ? CARules.strict : .off)

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var packIdFormat: String?
    var seed: UInt64?
    var caRules: String?

    func check() throws {
        _ = try packIDFormat()
        _ = try resolvedSeed()
        _ = try enforceAuthorityRules()
    }

    func packIDFormat() throws -> IDGenerator.Format {
        try Self.packIDFormatSetting.resolve(choice: packIdFormat)
    }

    func resolvedSeed() throws -> UInt64? {
        try Self.seedSetting.resolveIfSet(seed)
    }

    func enforceAuthorityRules() throws -> Bool {
        try Self.caRulesSetting.resolve(choice: caRules) == .strict
    }
}
