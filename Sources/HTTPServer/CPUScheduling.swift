/// How the server schedules the process's threads on Linux (`ThreadScheduling`). Every
/// choice but `normal` acts on the whole process: for a server that owns its process.
public enum CPUScheduling: String, Sendable, CaseIterable {
    /// The kernel's default (SCHED_OTHER): a woken thread preempts the running one.
    case normal
    /// SCHED_BATCH throughout: the event thread stops preempting the connection threads,
    /// which saves two or three context switches per request on a busy core, but an
    /// answer can wait a time slice behind another process's busy thread.
    case batch
    /// SCHED_BATCH while no other process uses the CPUs this one may run on, normal as
    /// soon as one does (`CPUSchedulingGovernor`).
    case adaptive
}
