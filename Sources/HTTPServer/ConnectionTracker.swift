import Dispatch
import Synchronization

/// Counts open connections across all queues: enforces `maxConnections` at accept
/// time and lets `stop()` wait until every descriptor is closed. It also counts the
/// `Connection` objects not yet freed, so a test can tell that none outlives `stop()`
/// (a reference cycle through a protocol handler would keep one, its queue and its TLS
/// state alive for good).
///
/// The count is an `Atomic`, not a `Mutex`: connections on different queues close at the
/// same moment, and ThreadSanitizer does not see the ordering a contended `Mutex` gives on
/// Linux (its futex wait is outside the instrumented code), while atomics it checks.
final class ConnectionTracker: Sendable {
    private let open = Atomic<Int>(0)
    private let instances = Atomic<Int>(0)
    /// Entered per open connection, so waiting for none is `DispatchGroup.wait`.
    private let group = DispatchGroup()

    var count: Int { open.load(ordering: .acquiring) }

    /// `Connection` objects made and not yet deinitialised.
    var liveInstances: Int { instances.load(ordering: .acquiring) }

    func instanceMade() { instances.add(1, ordering: .relaxed) }

    func instanceFreed() { instances.subtract(1, ordering: .acquiringAndReleasing) }

    /// Reserves a slot; false when `limit` connections are already open.
    func tryOpen(limit: Int) -> Bool {
        var current = open.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, seen) = open.weakCompareExchange(
                expected: current, desired: current + 1, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
            if exchanged {
                group.enter()
                return true
            }
            current = seen
        }
        return false
    }

    /// Called once per reserved slot, after the descriptor is closed.
    func didClose() {
        open.subtract(1, ordering: .acquiringAndReleasing)
        group.leave()
    }

    /// Waits until no connection is open or `seconds` pass; true when none is open.
    func waitUntilNoneOpen(seconds: Double) -> Bool {
        group.wait(timeout: .now() + .nanoseconds(Int(max(0, min(seconds, 1e6)) * 1e9))) == .success
    }
}
