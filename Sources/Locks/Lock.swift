#if canImport(Glibc)
import Glibc
#endif

/// A mutex with NSLock's `lock()`/`unlock()`, on pthreads: the server links
/// FoundationEssentials rather than all of Foundation (about 3 MB less resident
/// memory and a faster start), and NSLock lives only in the latter.
///
/// `@unchecked Sendable` holds because the only stored property is a `let` pointer to a
/// pthread mutex, set once in `init` and freed in `deinit`; pthread_mutex_lock/unlock are
/// safe from any thread by POSIX. New code guards state with `Synchronization.Mutex`.
package final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
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
}
