import Dispatch
import Synchronization

/// Counts open connections across all queues: enforces `maxConnections` at accept
/// time and lets `stop()` wait until every descriptor is closed.
final class ConnectionTracker: Sendable {
    private let open = Mutex(0)
    /// Entered per open connection, so waiting for none is `DispatchGroup.wait`.
    private let group = DispatchGroup()

    var count: Int { open.withLock { $0 } }

    /// Reserves a slot; false when `limit` connections are already open.
    func tryOpen(limit: Int) -> Bool {
        open.withLock { open in
            guard open < limit else { return false }
            open += 1
            group.enter()
            return true
        }
    }

    /// Called once per reserved slot, after the descriptor is closed.
    func didClose() {
        open.withLock { $0 -= 1 }
        group.leave()
    }

    /// Waits until no connection is open or `seconds` pass; true when none is open.
    func waitUntilNoneOpen(seconds: Double) -> Bool {
        group.wait(timeout: .now() + .nanoseconds(Int(max(0, min(seconds, 1e6)) * 1e9))) == .success
    }
}
