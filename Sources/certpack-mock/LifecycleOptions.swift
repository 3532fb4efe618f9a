import CertificatePacks
import CertPackMock
import FoundationEssentials

/// How packs move and on which clock: `--lifecycle`, the four stage durations, `--clock`, `--clock-start`.
struct LifecycleOptions {
    private static let defaults = MockConfiguration.optionDefaults
    static let lifecycleSetting = Setting("lifecycle", env: "CERTPACK_MOCK_LIFECYCLE", default: defaults.lifecycleMode)
    static let initializingSetting = Setting("initializing-seconds", env: "CERTPACK_MOCK_INITIALIZING_SECONDS", default: defaults.durations.initializing)
    static let validationSetting = Setting("validation-seconds", env: "CERTPACK_MOCK_VALIDATION_SECONDS", default: defaults.durations.validation)
    static let issuanceSetting = Setting("issuance-seconds", env: "CERTPACK_MOCK_ISSUANCE_SECONDS", default: defaults.durations.issuance)
    static let deploymentSetting = Setting("deployment-seconds", env: "CERTPACK_MOCK_DEPLOYMENT_SECONDS", default: defaults.durations.deployment)
    static let clockSetting = Setting("clock", env: "CERTPACK_MOCK_CLOCK", default: defaults.clockMode)
    static let clockStartSetting = Setting<String>("clock-start", env: "CERTPACK_MOCK_CLOCK_START", unsetMeans: "now")

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var lifecycle: String?
    var initializingSeconds: Double?
    var validationSeconds: Double?
    var issuanceSeconds: Double?
    var deploymentSeconds: Double?
    var clock: String?
    var clockStart: String?

    func check() throws {
        _ = try mode()
        _ = try durations()
        _ = try clockMode()
        _ = try clockStartSeconds()
    }

    func mode() throws -> LifecycleMode {
        try Self.lifecycleSetting.resolve(choice: lifecycle)
    }

    func durations() throws -> LifecycleDurations {
        LifecycleDurations(
            initializing: try Self.initializingSetting.resolve(initializingSeconds, atLeast: 0),
            validation: try Self.validationSetting.resolve(validationSeconds, atLeast: 0),
            issuance: try Self.issuanceSetting.resolve(issuanceSeconds, atLeast: 0),
            deployment: try Self.deploymentSetting.resolve(deploymentSeconds, atLeast: 0))
    }

    func clockMode() throws -> VirtualClock.Mode {
        try Self.clockSetting.resolve(choice: clock)
    }

    /// Seconds since 1970, or nil for the wall clock at start.
    func clockStartSeconds() throws -> Double? {
        guard let raw = try Self.clockStartSetting.resolveIfSet(clockStart) else { return nil }
        guard let seconds = Double(raw) ?? (try? Date(raw, strategy: .iso8601))?.timeIntervalSince1970 else {
            throw SettingError(description: "--clock-start '\(raw)' is neither seconds since 1970 nor RFC 3339 like 2026-01-01T00:00:00Z")
        }
        return seconds
    }
}
