import Locks
import FoundationEssentials

/// The time every pack's status is computed against. In `.system` mode it is the
/// wall clock plus an offset that `advance` grows; in `.manual` mode it stands
/// still until advanced, so a test decides exactly when a pack moves.
public final class VirtualClock: @unchecked Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case system
        case manual
    }

    private let lock = Lock()
    private var offset: Double = 0
    private var manualNow: Double
    public private(set) var mode: Mode
    private let wallClock: @Sendable () -> Double

    /// - Parameters:
    ///   - mode: `.system` follows the wall clock; `.manual` starts at `start` and stands still.
    ///   - start: seconds since 1970 where a manual clock starts (default: now).
    ///   - wallClock: injectable for tests.
    public init(mode: Mode = .system, start: Double? = nil, wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.mode = mode
        self.wallClock = wallClock
        self.manualNow = start ?? wallClock()
    }

    /// Seconds since 1970, as the mock sees them.
    public func now() -> Double {
        lock.lock(); defer { lock.unlock() }
        return mode == .manual ? manualNow : wallClock() + offset
    }

    /// Moves virtual time forward (never backward).
    public func advance(by seconds: Double) {
        guard seconds > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        if mode == .manual { manualNow += seconds } else { offset += seconds }
    }

    /// Switches mode keeping the current virtual time, so no pack jumps.
    public func setMode(_ newMode: Mode) {
        lock.lock(); defer { lock.unlock() }
        guard newMode != mode else { return }
        let current = mode == .manual ? manualNow : wallClock() + offset
        mode = newMode
        if newMode == .manual { manualNow = current } else { offset = current - wallClock() }
    }

    /// What a state file keeps: the mode, the system clock's offset and where a manual clock stands.
    public struct Setting: Sendable, Equatable {
        public var mode: Mode
        public var offset: Double
        public var manualNow: Double
        public init(mode: Mode, offset: Double, manualNow: Double) {
            self.mode = mode; self.offset = offset; self.manualNow = manualNow
        }
    }

    public var setting: Setting {
        lock.lock(); defer { lock.unlock() }
        return Setting(mode: mode, offset: offset, manualNow: manualNow)
    }

    /// Puts the clock back as a state file kept it (a system clock's offset keeps counting from wall time).
    public func restore(_ setting: Setting) {
        lock.lock(); defer { lock.unlock() }
        mode = setting.mode
        offset = setting.offset
        manualNow = setting.manualNow
    }

    /// Back to the wall clock with no offset (manual clocks restart at wall time).
    public func reset() {
        lock.lock(); defer { lock.unlock() }
        offset = 0
        manualNow = wallClock()
    }
}
