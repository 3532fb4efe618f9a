import CertPackMock

/// Cloudflare's rate limit: `--rate-limit`, `--rate-limit-requests`, `--rate-limit-window`.
struct RateLimitOptions {
    private static let defaults = RateLimiter.Settings()
    static let rateLimitSetting = Setting("rate-limit", env: "CERTPACK_MOCK_RATE_LIMIT", default: defaults.enabled ? Switch.on : .off)
    static let requestsSetting = Setting("rate-limit-requests", env: "CERTPACK_MOCK_RATE_LIMIT_REQUESTS", default: defaults.limit)
    static let windowSetting = Setting("rate-limit-window", env: "CERTPACK_MOCK_RATE_LIMIT_WINDOW", default: defaults.windowSeconds)

    // As given on the command line (`Serve` declares the flags); nil when not given.
    var rateLimit: String?
    var rateLimitRequests: Int?
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
