import ArgumentParser
import CertificatePacks
import CertPackMock

/// What orders get: `--pack-id-format`, `--seed`, `--ca-rules`.
struct OrderOptions: ParsableArguments {
    private static let defaults = MockConfiguration()
    static let packIDFormatSetting = Setting("pack-id-format", env: "CERTPACK_MOCK_PACK_ID_FORMAT", default: defaults.packIDFormat)
    static let seedSetting = Setting<UInt64>("seed", env: "CERTPACK_MOCK_SEED", unsetMeans: "random")
    static let caRulesSetting = Setting("ca-rules", env: "CERTPACK_MOCK_CA_RULES", default: defaults.enforceAuthorityRules ? CARules.strict : .off)

    @Option(help: packIDFormatSetting.help("Pack id format: hex (32 hex digits, the seed's) or uuid (the current API's)."))
    var packIdFormat: String?

    @Option(help: seedSetting.help("Seed for ids and tokens; the same seed gives the same answers."))
    var seed: UInt64?

    @Option(help: caRulesSetting.help("CA rules beyond the seed's schema: strict (validity per CA, no http with wildcards, email only with ssl_com) or off."))
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
