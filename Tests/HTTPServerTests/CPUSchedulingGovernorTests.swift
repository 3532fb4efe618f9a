import Testing
import TestSupport
@testable import HTTPServer
import Sockets

/// The adaptive policy's decisions, fed made-up CPU readings a quarter second apart.
@Suite struct CPUSchedulingGovernorTests {
    /// Readings on 2 CPUs where this process used `own` and everyone `busy` of the CPUs' time.
    private struct Readings: Sendable {
        var usage = CPUUsage(wallNanoseconds: 0, processNanoseconds: 0, busyNanoseconds: 0, cpuCount: 2)

        mutating func next(own: Double, others: Double) -> CPUUsage {
            let span: UInt64 = 250_000_000
            usage.wallNanoseconds += span
            usage.processNanoseconds += UInt64(own * Double(span * 2))
            usage.busyNanoseconds += UInt64((own + others) * Double(span * 2))
            return usage
        }
    }

    @Test func othersShareIsTheBusyTimeThisProcessDidNotSpend() {
        var readings = Readings()
        let first = readings.next(own: 0, others: 0)
        let second = readings.next(own: 0.5, others: 0.25)
        #expect(abs(second.othersShare(since: first) - 0.25) < 1e-9)
        // Counters that went backwards (or a busy total below the process's own) read as none.
        #expect(first.othersShare(since: second) == 0)
    }

    @Test func batchAfterTwoQuietSamplesAndNormalAtOnceWhenANeighbourWakes() {
        var state = CPUSchedulingGovernor.State()
        var readings = Readings()
        var decisions: [(Bool, Bool)] = []
        for (own, others) in [(0.9, 0.0), (0.9, 0.01), (0.9, 0.02), (0.95, 0.0), (0.5, 0.5), (0.6, 0.1), (0.9, 0.0), (0.9, 0.0)] {
            decisions.append(CPUSchedulingGovernor.step(&state, readings.next(own: own, others: others)))
        }
        // The first reading only starts the count; two quiet ones switch to batch; a busy
        // neighbour switches back at once; a share between the thresholds resets the count.
        #expect(decisions.map(\.0) == [false, false, true, true, false, false, false, true])
        #expect(decisions.map(\.1) == [false, false, true, false, true, false, false, true])
    }

    @Test func aShareBetweenTheThresholdsKeepsBatch() {
        var state = CPUSchedulingGovernor.State()
        var readings = Readings()
        for _ in 0..<3 { _ = CPUSchedulingGovernor.step(&state, readings.next(own: 1, others: 0)) }
        #expect(state.batch)
        #expect(CPUSchedulingGovernor.step(&state, readings.next(own: 0.8, others: 0.15)) == (true, false))
    }

    @Test func theTimerSwitchesToBatchOnQuietReadingsAndStopPutsThreadsBack() {
        // Readings where nobody else uses the CPUs; `apply` records instead of touching this
        // test process's threads.
        let readings = Locked(Readings())
        let applied = Locked([Bool]())
        let governor = CPUSchedulingGovernor(
            sample: { readings.withValue { $0.next(own: 0.5, others: 0) } },
            apply: { batch in applied.withValue { $0.append(batch) } })
        governor.start()
        #expect(eventually(within: 5) { applied.withValue { $0 } == [true] })
        governor.stop()
        #expect(applied.withValue { $0 } == [true, false])
    }

    @Test func procStatLinesOfTheAllowedCPUsAreSummed() {
        let text = Array("""
            cpu  900 9 90 9000 0 0 0 0 0 0
            cpu0 100 1 10 1000 5 6 7 0 0 0
            cpu1 200 2 20 2000 5 6 7 0 0 0
            cpu12 400 4 40 4000 5 6 7 0 0 0
            intr 123 4 5
            """.utf8)
        // Plain values, not optionals, in the expectations: AddressSanitizer reports a stack
        // overflow inside swift-testing's optional comparison of these.
        let none: UInt64 = 0
        #expect(CPUUsage.busyTicks(inProcStat: text, onCPUs: [0, 12]) ?? none == 555)
        #expect(CPUUsage.busyTicks(inProcStat: text, onCPUs: [1]) ?? none == 222)
        #expect(CPUUsage.busyTicks(inProcStat: text, onCPUs: [3]) == nil)
        #expect(CPUUsage.now() != nil)
    }
}
