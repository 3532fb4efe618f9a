import CSystemLinux
#if canImport(Glibc)
import Glibc
#endif

/// Puts the calling thread, and every thread it starts from now on, under SCHED_BATCH.
///
/// On a busy core, libdispatch's event thread wakes for each readable socket and, as a
/// normal thread, preempts the worker answering the last one: two or three context
/// switches per request. Under SCHED_BATCH a woken thread waits for the running one, so
/// the event thread collects a batch of events for one worker wake-up. The price: a
/// woken thread also waits behind other processes' busy threads, for up to a time slice.
/// Call it before any thread is started, so all of them inherit it.
package func useBatchScheduling() throws {
    guard csystem_use_batch_scheduling() == 0 else {
        throw SocketError(call: "sched_setscheduler", errno: errno)
    }
}
