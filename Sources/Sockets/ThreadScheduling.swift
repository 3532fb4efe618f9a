import ASCIIBytes
import CSystemLinux
#if canImport(Glibc)
import Glibc
#endif

/// The Linux scheduling policy of this process's threads: SCHED_OTHER, or SCHED_BATCH.
///
/// On a busy core, libdispatch's event thread wakes for each readable socket and, as a
/// normal thread, preempts the worker answering the last one: two or three context
/// switches per request. Under SCHED_BATCH a woken thread waits for the running one, so
/// the event thread collects a batch of events for one worker wake-up. The price: a
/// woken thread also waits behind other processes' busy threads, for up to a time slice.
package enum ThreadScheduling {
    /// Puts every thread of the process under SCHED_BATCH (`batch`) or SCHED_OTHER. A
    /// thread started later inherits its creator's policy, but one cloned while a pass runs
    /// may have copied its creator's old policy and be missing from that pass's listing, so
    /// passes repeat until one finds every thread already set. Threads that end meanwhile
    /// are skipped.
    package static func setAllThreads(batch: Bool) throws {
        let wanted: Int32 = batch ? 1 : 0
        var changed = true
        while changed {
            changed = false
            for thread in threadIDs() where csystem_thread_is_batch(thread) != wanted {
                if csystem_set_thread_batch(thread, wanted) != 0 {
                    if errno == ESRCH { continue }
                    throw SocketError(call: "sched_setscheduler", errno: errno)
                }
                changed = true
            }
        }
    }

    /// The process's thread ids, from /proc/self/task.
    private static func threadIDs() -> [Int32] {
        guard let directory = opendir("/proc/self/task") else { return [] }
        defer { closedir(directory) }
        var threads: [Int32] = []
        while let entry = readdir(directory) {
            // "." and ".." are not numbers.
            let id = withUnsafeBytes(of: entry.pointee.d_name) { name in
                ASCII.unsignedDecimal(name.prefix { $0 != 0 }).flatMap { Int32(exactly: $0) }
            }
            if let id, id > 0 { threads.append(id) }
        }
        return threads
    }
}
