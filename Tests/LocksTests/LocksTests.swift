import Dispatch
import Locks
import Testing

@Suite struct LocksTests {
    /// `@unchecked`: `value` is written only under the `Lock` or `Condition` under test and
    /// read under it or after the writers are joined; that this suffices is what the tests prove.
    final class Counter: @unchecked Sendable { var value = 0 }

    @Test func lockMakesIncrementsFromManyThreadsExact() {
        let lock = Lock()
        let counter = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { lock.withLock { counter.value += 1 } }
        }
        #expect(counter.value == 80_000)
    }

    @Test func timedWaitRunsOutWithoutASignal() {
        let condition = Condition()
        let started = Condition.monotonicNow()
        condition.lock()
        let signalled = condition.wait(seconds: 0.05)
        condition.unlock()
        let waited = Condition.monotonicNow() - started
        #expect(!signalled)
        #expect(waited >= 0.05 && waited < 5)
    }

    @Test func broadcastWakesAWaiterBeforeItsDeadline() {
        let condition = Condition()
        let state = Counter()
        DispatchQueue.global().async {
            condition.lock()
            state.value = 1
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        let deadline = Condition.monotonicNow() + 10
        while state.value == 0 {
            if !condition.wait(untilMonotonic: deadline) { break }
        }
        condition.unlock()
        #expect(state.value == 1)
        #expect(Condition.monotonicNow() < deadline)
    }
}
