import Dispatch

/// One serial queue and the connections that live on it.
///
/// The server spreads connections round-robin over one loop per core: a single
/// queue for everything serialises all clients, a queue per connection costs a
/// thread hop per event. Everything a loop owns (its read buffer, serialisation
/// scratch, date cache, connection table and timeout sweep) is touched only on
/// its queue, so none of it needs a lock.
final class ConnectionLoop: @unchecked Sendable {
    /// Bytes asked for per recv(2).
    static let readBufferSize = 16 * 1024

    let queue: DispatchQueue
    let context: ServerContext
    /// Shared by every connection of the loop: only one reads at a time.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Response heads are serialised here, then copied out only if a send is partial.
    var scratch: [UInt8] = []
    var dateCache = HTTPDateCache()

    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    private var sweepTimer: DispatchSourceTimer?
    private(set) var isShuttingDown = false

    private static let specificKey = DispatchSpecificKey<ObjectIdentifier>()

    init(label: String, context: ServerContext) {
        self.queue = DispatchQueue(label: label)
        self.context = context
        self.readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ConnectionLoop.readBufferSize, alignment: 16)
        scratch.reserveCapacity(1024)
        queue.setSpecific(key: ConnectionLoop.specificKey, value: ObjectIdentifier(self))
    }

    deinit {
        readBuffer.deallocate()
    }

    /// True when running on this loop's queue.
    var isCurrent: Bool {
        DispatchQueue.getSpecific(key: ConnectionLoop.specificKey) == ObjectIdentifier(self)
    }

    // MARK: Connections (on `queue`)

    func adopt(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
        if isShuttingDown { connection.beginShutdown() }
    }

    func remove(_ connection: HTTPConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    /// Closes idle connections; busy ones finish their current exchange, then close.
    func beginShutdown() {
        isShuttingDown = true
        for connection in connections.values { connection.beginShutdown() }
    }

    /// Closes everything at once (end of the grace period).
    func closeAll() {
        for connection in connections.values { connection.abort(reset: false) }
    }

    // MARK: Timeouts

    /// One timer per loop, checking each connection's deadlines: cheaper than a
    /// timer per connection re-armed on every read.
    func startSweeping(interval: Double) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let nanos = Int(interval * 1e9)
        timer.schedule(deadline: .now() + .nanoseconds(nanos), repeating: .nanoseconds(nanos), leeway: .nanoseconds(nanos / 10))
        timer.setEventHandler { [weak self] in self?.sweep() }
        sweepTimer = timer
        timer.resume()
    }

    func stopSweeping() {
        sweepTimer?.cancel()
        sweepTimer = nil
    }

    private func sweep() {
        let now = monotonicNow()
        for connection in connections.values { connection.checkTimeouts(now: now) }
    }
}
