import CSystemLinux
#if canImport(Glibc)
import Glibc
#endif

/// CPUs this process may run on (sched_getaffinity), so a server started under
/// `taskset -c 0` spreads its connections over one queue; nil when the kernel will not say.
package func allowedProcessorCount() -> Int? {
    let count = csystem_allowed_cpus(nil, 0)
    return count > 0 ? Int(count) : nil
}
