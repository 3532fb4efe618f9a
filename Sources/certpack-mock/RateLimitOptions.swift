import ArgumentParser
import CertPackMock

/// Cloudflare's rate limit: `--rate-limit`, `--rate-limit-requests`, `--rate-limit-window`.
struct RateLimitOptions: ParsableArguments {
    private static let defaults = RateLimiter.Settings()
    static let rateLimitSetting = Setting("rate-limit", env: "CERTPACK_MOCK_RATE_LIMIT", default: defaults.enabled ? Switch.on : .off)
    static let requestsSetting = Setting("rate-limit-requests", env: "CERTPACK_MOCK_RATE_LIMIT_REQUESTS", default: defaults.limit)
    static let windowSetting = Setting("rate-limit-window", env: "CERTPACK_MOCK_RATE_LIMIT_WINDOW", default: defaults.windowSeconds)

    @Option(help: rateLimitSetting.help("Refuse requests past Cloudflare's rate limit with 429/971: on or off."))
    var rateLimit: String?

    @Option(help: requestsSetting.help("Requests allowed per credential per window."))
    var rateLimitRequests: Int?

    @Option(help: windowSetting.help("Rate-limit window in seconds."))
    var rateLimitWindow: Double?

    func check() throws {
        _ = try settings()
    }

    func settings() throws -> RateLimiter.Settings {
        RateLimiter.Settings(
            enabled: try Self.rateLimitSetting.resolve(choice: rateLimit) == .on,
            limit: try Self.requestsSetting.resolve(rateLimitRequests, atLeast: 1),
            windowSeconds: try Self.windowSetting.resolve(rateLimitWindow, atLeast: 1))
    }
}
