import Locks

/// A value that test threads share. A pthread `Lock` rather than a `Mutex`: tests contend on
/// purpose, and ThreadSanitizer cannot see the ordering a contended `Mutex` gives on Linux (its
/// futex wait is outside the instrumented code). `@unchecked Sendable` holds because `value` is
/// read and written only inside `lock.withLock`.
package final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = Lock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    package func withValue<T: Sendable>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }
}
