import Locks

/// Work handed to a loop thread from other threads (late handler replies, new
/// connections, shutdown), plus the eventfd that wakes the loop out of `epoll_wait`.
final class LoopTaskQueue: @unchecked Sendable {
    let wakeUp: EventFD
    private let lock = Lock()
    private var pending: [() -> Void] = []
    private var isClosed = false

    init() throws {
        wakeUp = try EventFD()
    }

    /// Queues `task`; false (and dropped) once the loop has exited.
    @discardableResult
    func enqueue(_ task: @escaping () -> Void) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { return false }
        pending.append(task)
        // The loop takes everything at once, so only the first task since then needs to
        // wake it. Signalled under the lock: `close()` cannot close the eventfd meanwhile.
        if pending.count == 1 { wakeUp.signal() }
        return true
    }

    /// Everything queued so far, in order (on the loop thread).
    func takeAll() -> [() -> Void] {
        lock.lock()
        defer { lock.unlock() }
        guard !pending.isEmpty else { return [] }
        let tasks = pending
        pending = []
        return tasks
    }

    /// After the loop thread exited: later tasks are dropped, the eventfd is closed.
    func close() {
        lock.lock()
        isClosed = true
        let dropped = pending
        pending = []
        wakeUp.close()
        lock.unlock()
        // Released outside the lock: a task's captures may have deinitialisers.
        _ = dropped
    }
}
