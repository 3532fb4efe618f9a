#if canImport(Glibc)
import Glibc
#endif

/// A condition variable with its mutex, NSCondition's shape on pthreads. Deadlines are
/// on CLOCK_MONOTONIC, so a wall-clock jump neither cuts a wait short nor stretches it.
///
/// `@unchecked Sendable` holds because its two stored properties are `let` pointers to a
/// pthread mutex and condition variable, made in `init` and freed in `deinit`; POSIX makes
/// every pthread call here safe from any thread.
package final class Condition: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }

    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the lock.
    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits for a signal; the caller holds the lock and re-checks its predicate.
    package func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits for a signal or until `seconds` from now; false when the time ran out.
    package func wait(seconds: Double) -> Bool {
        wait(untilMonotonic: Condition.monotonicNow() + max(0, seconds))
    }

    /// Waits for a signal or until the monotonic `deadline` (seconds, as `monotonicNow()`).
    package func wait(untilMonotonic deadline: Double) -> Bool {
        let whole = deadline.rounded(.down)
        var until = timespec(tv_sec: Int(whole), tv_nsec: Int((deadline - whole) * 1e9))
        return pthread_cond_timedwait(condition, mutex, &until) == 0
    }

    package func signal() { pthread_cond_signal(condition) }

    package func broadcast() { pthread_cond_broadcast(condition) }

    /// Seconds on CLOCK_MONOTONIC.
    package static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
