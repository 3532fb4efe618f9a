import Dispatch
import Sockets
import Synchronization

/// One serial queue and the connections that live on it.
///
/// The server makes one per CPU the process may use and spreads accepted connections
/// over them round-robin: one queue for everything serialises all clients, a queue
/// per connection costs a thread hop per event. A connection's read source, write
/// source and timeouts all run on its queue, and a readable connection is read,
/// parsed, handled and answered there without another hop.
///
/// Deadlines are checked by one repeating timer per queue (made and armed at start,
/// so no timer ever needs a new descriptor once they run out) sweeping its
/// connections: cheaper than a timer per connection re-armed on every read.
///
/// Thread safety: `connections` and `isStopping` are touched only on `queue` (every
/// method but `init`, `isCurrent` and `shutdown` runs there), which makes the
/// `@unchecked Sendable` sound.
final class ConnectionQueue: @unchecked Sendable {
    let queue: DispatchQueue
    let context: ServerContext
    let scratch = ConnectionScratch()
    /// Request lines of the current turn, written before its answers go out.
    let turnLog: TurnLog
    private(set) var isStopping = false

    /// Indexed by descriptor: unique while open, since a descriptor closes only in its
    /// sources' cancel handler, which removes it here first.
    private var connections: [Connection?] = []
    private let sweepTimer: DispatchSourceTimer
    private let identity: Int

    private static let key = DispatchSpecificKey<Int>()
    private static let identities = Atomic<Int>(0)

    init(index: Int, context: ServerContext, sweepInterval: Double) {
        self.context = context
        identity = ConnectionQueue.identities.wrappingAdd(1, ordering: .relaxed).newValue
        queue = DispatchQueue(label: "HTTPServer.connections.\(index)")
        queue.setSpecific(key: ConnectionQueue.key, value: identity)
        turnLog = TurnLog(queue: queue)
        sweepTimer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.nanoseconds(Int(sweepInterval * 1e9))
        sweepTimer.schedule(deadline: .now() + interval, repeating: interval, leeway: .nanoseconds(Int(sweepInterval * 0.25e9)))
        // Held by the timer until `shutdown` cancels it.
        sweepTimer.setEventHandler { self.sweep() }
        sweepTimer.activate()
    }

    /// True when called on this queue.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: ConnectionQueue.key) == identity }

    /// Which connection queue the caller runs on (nil: none), for tests and logs.
    static var currentIdentity: Int? { DispatchQueue.getSpecific(key: ConnectionQueue.key) }

    /// Takes an accepted socket (hops onto the queue). Its tracker slot is reserved.
    func adopt(_ socket: Socket, peer: SocketAddress) {
        queue.async { self.adoptOnQueue(socket, peer: peer) }
    }

    private func adoptOnQueue(_ socket: Socket, peer: SocketAddress) {
        let fd = Int(socket.fd)
        if fd >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: max(fd + 1, connections.count * 2) - connections.count))
        }
        let connection = Connection(socket: socket, remoteAddress: peer.description, owner: self)
        connections[fd] = connection
        connection.start()
        if isStopping { connection.beginGracefulStop() }
    }

    /// From the connection's last cancel handler, just before its descriptor closes.
    func remove(_ connection: Connection) {
        let fd = Int(connection.socket.fd)
        if fd < connections.count, connections[fd] === connection { connections[fd] = nil }
    }

    /// Closes idle connections; busy ones finish their current exchange, then close.
    func beginGracefulStop() {
        queue.async {
            self.isStopping = true
            for connection in self.connections { connection?.beginGracefulStop() }
        }
    }

    /// Closes everything at once (end of the grace period).
    func closeAll() {
        queue.async {
            for connection in self.connections { connection?.close(reset: false) }
        }
    }

    /// Stops the sweep timer (after every connection closed) and waits for what is still
    /// queued: the last cancel handlers release their connections there, so none outlives
    /// `Server.stop()` (unless stop is called from this queue, which must not wait on itself).
    func shutdown() {
        sweepTimer.cancel()
        if !isCurrent { queue.sync {} }
    }

    private func sweep() {
        let now = monotonicNow()
        for connection in connections { connection?.checkTimeouts(now: now) }
    }
}
