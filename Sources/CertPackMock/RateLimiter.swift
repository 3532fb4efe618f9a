import FoundationEssentials
import Synchronization

/// Cloudflare's global limit (1200 requests per 5 minutes per credential): past
/// it every request is refused with 971 until the window ends. Off by default.
/// Windows run on the virtual clock, so a test can advance past them.
public final class RateLimiter: Sendable {
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

    private struct State {
        var settings: Settings
        var windows: [String: (start: Double, count: Int)] = [:]
    }

    private let state: Mutex<State>

    public init(_ settings: Settings) { state = Mutex(State(settings: settings)) }

    public var settings: Settings {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0 = State(settings: newValue) } }
    }

    /// nil when allowed; otherwise seconds until the window ends (for Retry-After).
    /// `key` and `now` are asked for only when the limit is on: off (the default) costs
    /// no header lookups and no clock read.
    func check(key makeKey: () -> String, now readNow: @autoclosure () -> Double) -> Int? {
        state.withLock { s in
            guard s.settings.enabled else { return nil }
            let key = makeKey()
            let now = readNow()
            var window = s.windows[key] ?? (now, 0)
            if now - window.start >= s.settings.windowSeconds { window = (now, 0) }
            window.count += 1
            s.windows[key] = window
            guard window.count > s.settings.limit else { return nil }
            return max(1, Int((window.start + s.settings.windowSeconds - now).rounded(.up)))
        }
    }

    public func reset() { state.withLock { $0.windows.removeAll() } }
}
