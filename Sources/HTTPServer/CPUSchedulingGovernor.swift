import Dispatch
import Sockets

/// `CPUScheduling.adaptive`: the process's threads run under SCHED_BATCH while the CPUs it
/// may use are otherwise idle, and under the normal policy while another process wants them.
///
/// Batch scheduling spares the event thread's preemptions of the workers (on one busy
/// core, 1.4–1.9× the requests per second), but a woken thread then waits behind any
/// other busy thread on its core, up to a time slice, for every request. So the governor
/// samples, four times a second, how much of those CPUs' time went to other processes:
/// above `leaveShare` it switches to normal at once; below `enterShare` for
/// `quietSamples` samples running, back to batch. At most one sample's worth of requests
/// waits behind a neighbour that just started.
///
/// Thread safety: `state` is touched only on `queue` (the timer's handler and `stop`'s
/// hop), which makes the `@unchecked Sendable` sound.
final class CPUSchedulingGovernor: @unchecked Sendable {
    struct State {
        var batch = false
        var quiet = 0
        var last: CPUUsage?
    }

    static let interval = 0.25
    static let enterShare = 0.08
    static let leaveShare = 0.2
    static let quietSamples = 2

    private let queue = DispatchQueue(label: "HTTPServer.cpu-scheduling")
    private let timer: DispatchSourceTimer
    private var state = State()
    private let sample: @Sendable () -> CPUUsage?
    private let apply: @Sendable (Bool) -> Void

    /// `sample` reads the CPU times; `apply` sets the policy of every thread (true: batch).
    init(sample: @escaping @Sendable () -> CPUUsage? = CPUUsage.now,
         apply: @escaping @Sendable (Bool) -> Void = { try? ThreadScheduling.setAllThreads(batch: $0) }) {
        self.sample = sample
        self.apply = apply
        timer = DispatchSource.makeTimerSource(queue: queue)
    }

    func start() {
        let interval = DispatchTimeInterval.milliseconds(Int(Self.interval * 1000))
        // The first sample a quarter second in: start-up has the CPU to itself.
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(25))
        timer.setEventHandler { [self] in tick() }
        timer.activate()
    }

    /// Stops sampling and puts the threads back under the normal policy.
    func stop() {
        timer.cancel()
        queue.sync {
            if state.batch { apply(false) }
            state.batch = false
        }
    }

    private func tick() {
        guard let now = sample() else { return }
        let (next, changed) = Self.step(&state, now)
        if changed { apply(next) }
    }

    /// One sample: the new policy (true: batch), and whether it changed.
    static func step(_ state: inout State, _ now: CPUUsage) -> (batch: Bool, changed: Bool) {
        defer { state.last = now }
        guard let last = state.last else { return (state.batch, false) }
        let others = now.othersShare(since: last)
        let was = state.batch
        if state.batch {
            if others > leaveShare { state.batch = false; state.quiet = 0 }
        } else {
            state.quiet = others < enterShare ? state.quiet + 1 : 0
            if state.quiet >= quietSamples { state.batch = true }
        }
        return (state.batch, state.batch != was)
    }
}
