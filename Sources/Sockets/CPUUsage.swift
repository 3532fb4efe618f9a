import ASCIIBytes
import CSystemLinux
#if canImport(Glibc)
import Glibc
#endif

/// CPU time spent so far, read together: this process's, and every process's on the CPUs
/// this process may run on. Two readings apart tell how much of those CPUs others wanted.
package struct CPUUsage: Sendable, Equatable {
    /// Monotonic clock.
    package var wallNanoseconds: UInt64
    /// User and system time of all this process's threads (getrusage).
    package var processNanoseconds: UInt64
    /// User, nice and system time on the allowed CPUs (/proc/stat; interrupts left out,
    /// since this process's own network traffic lands there).
    package var busyNanoseconds: UInt64
    /// How many CPUs this process may run on.
    package var cpuCount: Int

    package init(wallNanoseconds: UInt64, processNanoseconds: UInt64, busyNanoseconds: UInt64, cpuCount: Int) {
        self.wallNanoseconds = wallNanoseconds
        self.processNanoseconds = processNanoseconds
        self.busyNanoseconds = busyNanoseconds
        self.cpuCount = cpuCount
    }

    /// The share (0…1) of the allowed CPUs' time between `earlier` and this reading that
    /// went to other processes.
    package func othersShare(since earlier: CPUUsage) -> Double {
        let elapsed = Double(wallNanoseconds &- earlier.wallNanoseconds) * Double(max(1, cpuCount))
        guard elapsed > 0, busyNanoseconds >= earlier.busyNanoseconds else { return 0 }
        let busy = Double(busyNanoseconds - earlier.busyNanoseconds)
        let own = Double(processNanoseconds &- earlier.processNanoseconds)
        return min(1, max(0, (busy - own) / elapsed))
    }

    /// Now; nil when /proc/stat or the CPU set cannot be read.
    package static func now() -> CPUUsage? {
        var cpus = [Int32](repeating: 0, count: 1024)
        let count = Int(csystem_allowed_cpus(&cpus, Int32(cpus.count)))
        guard count > 0, count <= cpus.count, let busy = busyTicks(onCPUs: Set(cpus.prefix(count))) else { return nil }
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return nil }
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let tick = UInt64(1_000_000_000 / max(1, sysconf(Int32(_SC_CLK_TCK))))
        return CPUUsage(
            wallNanoseconds: UInt64(clock.tv_sec) * 1_000_000_000 + UInt64(clock.tv_nsec),
            processNanoseconds: nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime),
            busyNanoseconds: busy * tick,
            cpuCount: count)
    }

    private static func nanoseconds(_ time: timeval) -> UInt64 {
        UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_usec) * 1000
    }

    /// user + nice + system ticks summed over the `cpuN` lines of /proc/stat for `cpus`.
    static func busyTicks(onCPUs cpus: Set<Int32>) -> UInt64? {
        let fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { break }
            text.append(contentsOf: chunk[0..<n])
        }
        return busyTicks(inProcStat: text, onCPUs: cpus)
    }

    /// The parsing half of `busyTicks(onCPUs:)`, for tests.
    package static func busyTicks(inProcStat text: [UInt8], onCPUs cpus: Set<Int32>) -> UInt64? {
        var total: UInt64 = 0
        var found = false
        for line in text.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count >= 4, let name = fields.first, name.count > 3, name.starts(with: "cpu".utf8),
                  let cpu = ASCII.unsignedDecimal(name.dropFirst(3)), cpus.contains(Int32(truncatingIfNeeded: cpu)) else { continue }
            // cpuN user nice system idle …
            guard let user = ASCII.unsignedDecimal(fields[1]), let nice = ASCII.unsignedDecimal(fields[2]),
                  let system = ASCII.unsignedDecimal(fields[3]) else { return nil }
            total &+= user &+ nice &+ system
            found = true
        }
        return found ? total : nil
    }
}
