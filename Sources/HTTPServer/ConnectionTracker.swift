import Locks

/// Counts open connections across all loops: enforces `maxConnections` at accept
/// time and lets `stop()` wait until every descriptor is closed.
final class ConnectionTracker: @unchecked Sendable {
    private let condition = Condition()
    private var open = 0

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return open
    }

    /// Reserves a slot; false when `limit` connections are already open.
    func tryOpen(limit: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard open < limit else { return false }
        open += 1
        return true
    }

    /// Called once per reserved slot, after the descriptor is closed.
    func didClose() {
        condition.lock()
        open -= 1
        if open == 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits until no connection is open or `seconds` pass; true when none is open.
    func waitUntilNoneOpen(seconds: Double) -> Bool {
        let deadline = Condition.monotonicNow() + max(0, seconds)
        condition.lock()
        defer { condition.unlock() }
        while open > 0 {
            if !condition.wait(untilMonotonic: deadline) { return open == 0 }
        }
        return true
    }
}
