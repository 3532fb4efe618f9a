import Locks
import FoundationEssentials

/// Cloudflare's global limit (1200 requests per 5 minutes per credential): past
/// it every request is refused with 971 until the window ends. Off by default.
/// Windows run on the virtual clock, so a test can advance past them.
public final class RateLimiter: @unchecked Sendable {
    public struct Settings: Sendable, Equatable {
        public var enabled: Bool
        public var limit: Int
        public var windowSeconds: Double
        public init(enabled: Bool = false, limit: Int = 1200, windowSeconds: Double = 300) {
            self.enabled = enabled
            self.limit = max(1, limit)
            self.windowSeconds = max(1, windowSeconds)
        }
    }

    private let lock = Lock()
    private var settingsValue: Settings
    private var windows: [String: (start: Double, count: Int)] = [:]

    public init(_ settings: Settings) { settingsValue = settings }

    public var settings: Settings {
        get { lock.lock(); defer { lock.unlock() }; return settingsValue }
        set { lock.lock(); settingsValue = newValue; windows.removeAll(); lock.unlock() }
    }

    /// nil when allowed; otherwise seconds until the window ends (for Retry-After).
    /// `key` and `now` are asked for only when the limit is on: off (the default) costs
    /// no header lookups and no clock read.
    func check(key makeKey: () -> String, now readNow: @autoclosure () -> Double) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard settingsValue.enabled else { return nil }
        let key = makeKey()
        let now = readNow()
        var window = windows[key] ?? (now, 0)
        if now - window.start >= settingsValue.windowSeconds { window = (now, 0) }
        window.count += 1
        windows[key] = window
        guard window.count > settingsValue.limit else { return nil }
        return max(1, Int((window.start + settingsValue.windowSeconds - now).rounded(.up)))
    }

    public func reset() { lock.lock(); windows.removeAll(); lock.unlock() }
}
