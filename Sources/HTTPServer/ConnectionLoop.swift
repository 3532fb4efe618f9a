import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// One thread running `epoll_wait` over its connections.
///
/// The server spreads connections round-robin over one loop per core: a single
/// loop serialises all clients, a thread per connection costs a switch per event.
/// libdispatch was not used here because on Linux it watches descriptors on its own
/// manager thread and hops to a worker for every event; this thread reads, handles
/// and writes itself. Everything a loop owns (its read buffer, serialisation scratch,
/// date cache, connection table and timeout sweep) is touched only on its thread, so
/// none of it needs a lock; other threads hand work over with `execute`.
final class ConnectionLoop: @unchecked Sendable {
    /// Bytes asked for per recv(2).
    static let readBufferSize = 16 * 1024
    /// Events taken per epoll_wait.
    private static let eventCapacity = 256
    /// The epoll token of the task queue's eventfd (connections use fd | generation << 32).
    private static let wakeToken = UInt64.max

    let context: ServerContext
    /// Shared by every connection of the loop: only one reads at a time.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Response heads are serialised here, then copied out only if a send is partial.
    var scratch: [UInt8] = []
    var dateCache = HTTPDateCache()
    private(set) var isShuttingDown = false

    private let name: String
    private let epoll: EPoll
    private let events = EPollEvents(capacity: ConnectionLoop.eventCapacity)
    private let tasks: LoopTaskQueue
    /// How often deadlines are checked (nanoseconds).
    private let sweepInterval: UInt64

    /// Indexed by descriptor: a lookup per event without hashing.
    private var connections: [HTTPConnection?] = []
    /// Tells a stale event (for a descriptor closed earlier in the same batch and
    /// reused since) from one for the connection registered now.
    private var nextGeneration: UInt32 = 0
    private var isRunning = true
    /// One-shot timers, unordered: there are rarely any (the EMFILE back-off).
    private var timers: [(deadline: UInt64, task: () -> Void)] = []

    /// Written by the loop thread before `start()` returns; read by `isCurrent`.
    private var threadID = pthread_t()
    private var thread: pthread_t?
    private let started = DispatchSemaphore(value: 0)

    init(name: String, context: ServerContext, sweepInterval: Double) throws {
        self.name = name
        self.context = context
        self.sweepInterval = UInt64(sweepInterval * 1e9)
        epoll = try EPoll()
        do {
            tasks = try LoopTaskQueue()
            try epoll.add(tasks.wakeUp.fd, events: EPoll.readable, token: ConnectionLoop.wakeToken)
        } catch {
            epoll.close()
            throw error
        }
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ConnectionLoop.readBufferSize, alignment: 16)
        scratch.reserveCapacity(1024)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// True when running on this loop's thread.
    var isCurrent: Bool {
        pthread_equal(pthread_self(), threadID) != 0
    }

    // MARK: Thread

    /// Starts the thread; returns once it runs.
    func start() throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        var id = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        let result = pthread_create(&id, &attributes, { argument in
            let loop = Unmanaged<ConnectionLoop>.fromOpaque(argument!).takeRetainedValue()
            loop.run()
            return nil
        }, box)
        guard result == 0 else {
            Unmanaged<ConnectionLoop>.fromOpaque(box).release()
            throw SocketError(call: "pthread_create", errno: result, detail: name)
        }
        thread = id
        started.wait()
    }

    /// Runs `task` on the loop thread, after the events being handled now.
    /// False when the loop has already exited (the task is dropped).
    @discardableResult
    func execute(_ task: @escaping () -> Void) -> Bool {
        tasks.enqueue(task)
    }

    /// Runs `task` on the loop thread after `delay` seconds; false when the loop has exited.
    /// Unlike a Dispatch timer this needs no new descriptor: libdispatch creates its
    /// timerfd on first use, which fails at EMFILE, and the timer then never fires.
    @discardableResult
    func execute(after delay: Double, _ task: @escaping () -> Void) -> Bool {
        let nanoseconds = UInt64(max(0, min(delay, 1e6)) * 1e9)
        return execute { [self] in timers.append((monotonicNow() &+ nanoseconds, task)) }
    }

    /// Ends the thread after the tasks queued so far, waits for it, and closes the
    /// loop's descriptors. Connections still open are closed first. Not on the loop.
    func stopAndJoin() {
        if let thread {
            execute { [self] in isRunning = false }
            pthread_join(thread, nil)
            self.thread = nil
        }
        tasks.close()
        epoll.close()
    }

    private func run() {
        threadID = pthread_self()
        setThreadName()
        started.signal()
        var nextSweep = monotonicNow() &+ sweepInterval
        while isRunning {
            let now = monotonicNow()
            // The sweep and the timers are the epoll_wait timeout, rounded up so a wake-up
            // is never early.
            let wakeAt = timers.reduce(nextSweep) { min($0, $1.deadline) }
            let timeout = wakeAt > now ? Int32(min((wakeAt - now + 999_999) / 1_000_000, 60_000)) : 0
            let count = epoll.wait(into: events, timeout: timeout)
            for index in 0..<count {
                let token = events.token(at: index)
                if token == ConnectionLoop.wakeToken {
                    tasks.wakeUp.acknowledge()
                    continue
                }
                let fd = Int(Int32(truncatingIfNeeded: token))
                guard fd < connections.count, let connection = connections[fd],
                      connection.generation == UInt32(truncatingIfNeeded: token >> 32) else { continue }
                connection.handle(events: events.events(at: index))
            }
            for task in tasks.takeAll() { task() }
            let after = monotonicNow()
            if !timers.isEmpty { runTimers(dueBy: after) }
            if after >= nextSweep {
                sweep(now: after)
                nextSweep = after &+ sweepInterval
            }
        }
        // Normally none are left (the server waits for them); never leak a descriptor.
        for connection in connections { connection?.abort(reset: false) }
    }

    private func runTimers(dueBy now: UInt64) {
        var due: [() -> Void] = []
        timers.removeAll { timer in
            guard timer.deadline <= now else { return false }
            due.append(timer.task)
            return true
        }
        for task in due { task() }
    }

    private func setThreadName() {
        typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return }
        // Linux allows 15 bytes plus the terminator.
        _ = unsafeBitCast(symbol, to: SetName.self)(pthread_self(), String(name.utf8.suffix(15)) ?? "HTTPServer")
    }

    // MARK: Connections (on the loop thread)

    func adopt(_ connection: HTTPConnection) {
        let fd = Int(connection.fd)
        if fd >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: max(fd + 1, connections.count * 2) - connections.count))
        }
        nextGeneration &+= 1
        connection.generation = nextGeneration
        connections[fd] = connection
        guard connection.start() else { return }
        if isShuttingDown { connection.beginShutdown() }
    }

    func register(_ fd: Int32, events: UInt32, generation: UInt32) throws {
        try epoll.add(fd, events: events, token: ConnectionLoop.token(fd, generation))
    }

    func updateInterest(_ fd: Int32, events: UInt32, generation: UInt32) throws {
        try epoll.modify(fd, events: events, token: ConnectionLoop.token(fd, generation))
    }

    /// Stops watching the descriptor and forgets the connection; the caller closes it after.
    func remove(_ fd: Int32, registered: Bool) {
        if registered { epoll.remove(fd) }
        connections[Int(fd)] = nil
    }

    private static func token(_ fd: Int32, _ generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    /// Closes idle connections; busy ones finish their current exchange, then close.
    func beginShutdown() {
        isShuttingDown = true
        for connection in connections { connection?.beginShutdown() }
    }

    /// Closes everything at once (end of the grace period).
    func closeAll() {
        for connection in connections { connection?.abort(reset: false) }
    }

    // MARK: Timeouts

    /// One check per interval over every connection's deadlines: cheaper than a timer
    /// per connection re-armed on every read.
    private func sweep(now: UInt64) {
        for connection in connections { connection?.checkTimeouts(now: now) }
    }
}
