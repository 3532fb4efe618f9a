import CertificatePacks
import Dispatch
import FoundationEssentials
import Locks
#if canImport(Glibc)
import Glibc
#endif

/// `--state-file`: loads the state at start, then saves it after changes, coalesced and
/// within about a second, and once more at a graceful stop. The request path only raises a
/// flag; a thread of its own takes the snapshot (O(1) for the packs: the store is copied on
/// write), encodes it and writes a temporary file, fsyncs it and renames it over the old one,
/// so the file on disk is always a whole state, the previous one or the next.
public final class StatePersistence: Sendable {
    public let path: String
    private let state: MockState
    private let interval: Double
    private let wake = Condition()
    /// Guarded by `wake`: whether a change waits to be saved, whether to stop, the restart count.
    private let flags = Mutable()

    // @unchecked: every read and write of these fields happens between `wake.lock()` and
    // `wake.unlock()` (or inside `wake.withLock`); a Mutex cannot hold them because the
    // condition variable waits on its own pthread mutex, which must guard the predicate.
    private final class Mutable: @unchecked Sendable {
        var dirty = false
        var stopping = false
        var stopped = false
        var restarts = 0
        var lastError: String?
    }

    init(path: String, state: MockState, interval: Double = 0.25) {
        self.path = path
        self.state = state
        self.interval = interval
    }

    // MARK: Loading

    /// Applies the file to `state`; a missing file is a fresh start. Anything else that
    /// cannot be read stops start-up with the reason (never a silent reset).
    func load() throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw StateFileError(path: path, problem: "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateFileError(path: path, problem: "cannot be read (is it a file, and readable?)")
        }
        let file: StateFile
        do { file = try StateFile.decode([UInt8](data)) } catch {
            throw StateFileError(path: path, problem: "\(error)")
        }
        apply(file)
    }

    private func apply(_ file: StateFile) {
        let service = state.service
        for zone in service.allZones where !file.zones.contains(where: { $0.id == zone.id }) { service.removeZone(zone.id) }
        for zone in file.zones { service.addZone(zone) }
        state.credentials.reset()
        for credential in file.credentials { state.credentials.add(credential) }
        state.faults.restore(file.faults, nextID: file.nextFaultID)
        state.clock.restore(file.clock)
        // A new stretch of the id sequence on every restart: ids issued after the last save
        // (lost in a crash) are not issued again. Derived from the saved position, so a seeded
        // run still repeats.
        var mixer = IDGenerator(seed: file.idPosition ^ (UInt64(file.restarts + 1) &* 0x9E37_79B9_7F4A_7C15))
        service.restore(packs: file.packs, lifecycleMode: file.lifecycleMode, idPosition: mixer.next())
        wake.withLock { flags.restarts = file.restarts + 1 }
    }

    // MARK: Saving

    /// Called on the request path for anything that may change what the file holds: one flag.
    func markChanged() {
        wake.lock()
        if !flags.dirty { flags.dirty = true; wake.signal() }
        wake.unlock()
    }

    /// Writes the file once, before the server listens, so a path that cannot be written
    /// stops start-up instead of failing quietly later.
    func saveAtStart() throws {
        if let problem = save(restarts: wake.withLock { flags.restarts }) {
            throw StateFileError(path: path, problem: "cannot be written (\(problem))", loaded: false)
        }
    }

    /// Starts the saving thread.
    func start() {
        DispatchQueue(label: "certpack-mock.state-file").async { [self] in run() }
    }

    /// Saves what is pending and stops the thread (graceful stop).
    func stop() {
        wake.lock()
        flags.stopping = true
        wake.broadcast()
        while !flags.stopped { wake.wait() }
        wake.unlock()
    }

    private func run() {
        while true {
            wake.lock()
            while !flags.dirty && !flags.stopping { wake.wait() }
            let stopping = flags.stopping
            flags.dirty = false
            let restarts = flags.restarts
            wake.unlock()
            let began = Condition.monotonicNow()
            save(restarts: restarts)
            if stopping { break }
            // Coalesce: the next save starts after a pause of `interval`, or about nine saves'
            // time when saves are long (a big store), so saving takes about a tenth of a core;
            // but never so long that a change waits more than about a second to reach the disk
            // (a change just after a snapshot waits for this save, the pause and the next save).
            let took = Condition.monotonicNow() - began
            let pause = min(max(interval, 9 * took), max(interval, 0.9 - 2 * took))
            let until = began + took + pause
            wake.lock()
            // (A change arriving meanwhile signals; only a stop ends the wait early.)
            while !flags.stopping && Condition.monotonicNow() < until { _ = wake.wait(untilMonotonic: until) }
            wake.unlock()
        }
        wake.withLock { flags.stopped = true; wake.broadcast() }
    }

    /// One snapshot, encoded and written whole; the problem, if it could not be written.
    @discardableResult
    func save(restarts: Int) -> String? {
        let packs = state.service.persisted()
        let faults = state.faults.persisted
        let zones = state.service.allZones
        let file = StateFile(clock: state.clock.setting, lifecycleMode: packs.lifecycleMode, idPosition: packs.idPosition,
                             restarts: restarts, zones: zones, credentials: state.credentials.addedAtRunTime,
                             faults: faults.rules, nextFaultID: faults.nextID, packs: packs.packs)
        let problem = Self.writeAtomically(file.encoded(), to: path)
        wake.withLock {
            if problem != flags.lastError, let problem { StateFileLog.write("certpack-mock: state file \(path): \(problem)\n") }
            flags.lastError = problem
        }
        return problem
    }

    /// Temporary file beside the target, fsync, rename over it, fsync the folder; nil on success.
    static func writeAtomically(_ bytes: [UInt8], to path: String) -> String? {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot create \(temporary): \(String(cString: strerror(errno)))" }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                close(fd); unlink(temporary)
                return "cannot write \(temporary): \(reason)"
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd); unlink(temporary)
            return "cannot fsync \(temporary): \(reason)"
        }
        close(fd)
        guard rename(temporary, path) == 0 else { return "cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))" }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
        return nil
    }
}

/// A state file that cannot be loaded: start-up stops with this message.
public struct StateFileError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    /// False when the file loaded (or was absent) but cannot be written.
    public var loaded = true
    public var description: String {
        if !loaded { return "state file \(path): \(problem); check that its folder exists and is writable, or point --state-file elsewhere." }
        return "state file \(path): \(problem). Nothing was loaded and the file was left as it is; fix it, or start fresh by moving it away (mv \(path) \(path).old) or pointing --state-file elsewhere."
    }
}

/// Save failures go to standard error once per distinct problem (the server keeps running).
enum StateFileLog {
    static func write(_ line: String) {
        var line = line
        line.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
