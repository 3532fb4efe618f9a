import FoundationEssentials
import Synchronization

/// The time every pack's status is computed against. In `.system` mode it is the
/// wall clock plus an offset that `advance` grows; in `.manual` mode it stands
/// still until advanced, so a test decides exactly when a pack moves.
public final class VirtualClock: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case system
        case manual
    }

    /// Mode, offset and manual time change together, so they sit behind one lock.
    private struct State {
        var mode: Mode
        var offset: Double = 0
        var manualNow: Double

        func now(wall: Double) -> Double { mode == .manual ? manualNow : wall + offset }
    }

    private let state: Mutex<State>
    private let wallClock: @Sendable () -> Double

    /// - Parameters:
    ///   - mode: `.system` follows the wall clock; `.manual` starts at `start` and stands still.
    ///   - start: seconds since 1970 where a manual clock starts (default: now).
    ///   - wallClock: injectable for tests.
    public init(mode: Mode = .system, start: Double? = nil, wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.wallClock = wallClock
        state = Mutex(State(mode: mode, manualNow: start ?? wallClock()))
    }

    public var mode: Mode { state.withLock { $0.mode } }

    /// Seconds since 1970, as the mock sees them.
    public func now() -> Double {
        state.withLock { $0.now(wall: wallClock()) }
    }

    /// Moves virtual time forward (never backward).
    public func advance(by seconds: Double) {
        guard seconds > 0 else { return }
        state.withLock { s in
            if s.mode == .manual { s.manualNow += seconds } else { s.offset += seconds }
        }
    }

    /// Switches mode keeping the current virtual time, so no pack jumps.
    public func setMode(_ newMode: Mode) {
        state.withLock { s in
            guard newMode != s.mode else { return }
            let wall = wallClock()
            let current = s.now(wall: wall)
            s.mode = newMode
            if newMode == .manual { s.manualNow = current } else { s.offset = current - wall }
        }
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
        state.withLock { Setting(mode: $0.mode, offset: $0.offset, manualNow: $0.manualNow) }
    }

    /// Puts the clock back as a state file kept it (a system clock's offset keeps counting from wall time).
    public func restore(_ setting: Setting) {
        state.withLock { s in
            s.mode = setting.mode
            s.offset = setting.offset
            s.manualNow = setting.manualNow
        }
    }

    /// Back to the wall clock with no offset (manual clocks restart at wall time).
    public func reset() {
        state.withLock { s in
            s.offset = 0
            s.manualNow = wallClock()
        }
    }
}
