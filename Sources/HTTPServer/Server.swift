import Dispatch
import Sockets
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on non-blocking sockets and Dispatch.
///
/// One listening socket per configured host, each a DispatchSource on the accept
/// queue; accepted connections are spread round-robin over one serial
/// `ConnectionQueue` per CPU the process may use, where each is read, parsed,
/// handled and answered inline. Requests are parsed incrementally and handed to
/// `handler` one at a time per connection; responses go out in request order.
///
/// ```swift
/// let server = Server(configuration: .init(port: 0), handler: MyHandler())
/// try server.start()
/// print(server.boundPort)
/// server.stop(gracePeriod: 5)
/// ```
package final class Server: Sendable {
    package let configuration: HTTPServerConfiguration
    package let handler: any HTTPHandler

    /// Renders the response for a request rejected before it reached the handler
    /// (400, 413, 414, 417, 431, 501, 505). The server adds `Connection: close` and
    /// closes after writing it. Read when `start()` runs; set it before.
    package var protocolErrorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse {
        get { state.withLock { $0.responder } }
        set { state.withLock { $0.responder = newValue } }
    }

    /// Protocols beside HTTP/1.1 (`ServerProtocols`: the HTTP/2 hooks). Read when
    /// `start()` runs; set it before.
    var protocols: ServerProtocols {
        get { state.withLock { $0.protocols } }
        set { state.withLock { $0.protocols = newValue } }
    }

    /// The default `protocolErrorResponder`: a short text/plain body with the message.
    package static let defaultProtocolErrorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse = { error in
        HTTPResponse(
            status: error.status,
            headers: [("Content-Type", "text/plain; charset=utf-8")],
            body: Array((error.message + "\n").utf8)
        )
    }

    private enum Phase {
        case idle, running, stopping, stopped
    }

    private struct State {
        var phase = Phase.idle
        var responder: @Sendable (HTTPProtocolError) -> HTTPResponse
        var protocols = ServerProtocols.http2
        var listeners: [Listener] = []
        var governor: CPUSchedulingGovernor?
        var queues: [ConnectionQueue] = []
        var port = 0
        var addresses: [String] = []
    }

    private let state: Mutex<State>
    private let tracker = ConnectionTracker()
    private let acceptQueue = DispatchQueue(label: "HTTPServer.accept")
    /// Entered per listener; left in its cancel handler, once its socket is closed.
    private let listenersClosed = DispatchGroup()
    /// Entered by `start()`, left when `stop()` is done.
    private let running = DispatchGroup()
    /// Round-robin position over the queues (accepting is serial; atomic for the checker).
    private let nextQueue = Atomic<Int>(0)

    /// - Parameters:
    ///   - configuration: hosts, port, limits and timeouts.
    ///   - handler: called for every valid request.
    ///   - protocolErrorResponder: renders protocol errors; defaults to plain text.
    package init(
        configuration: HTTPServerConfiguration,
        handler: any HTTPHandler,
        protocolErrorResponder: @escaping @Sendable (HTTPProtocolError) -> HTTPResponse = Server.defaultProtocolErrorResponder
    ) {
        self.configuration = configuration
        self.handler = handler
        self.state = Mutex(State(responder: protocolErrorResponder))
    }

    // MARK: - Starting

    /// Binds every configured host and starts serving; returns once listening.
    ///
    /// Hosts that cannot exist on this machine (EADDRNOTAVAIL, EAFNOSUPPORT: no IPv6,
    /// say) are skipped as long as one host binds; `boundAddresses` tells which did.
    /// With port 0 the first host gets a free port and the others bind that same port.
    /// - Throws: `SocketError` (errno and the failing call) when nothing could be
    ///   bound, on any other bind failure, or when the server was already started.
    package func start() throws {
        _ = Server.ignoreSIGPIPE
        try state.withLock { state in
            guard state.phase == .idle else {
                throw SocketError(call: "start", errno: EINVAL, detail: "the server was already started")
            }
            let bound = try ListeningSockets.bind(hosts: configuration.hosts, port: configuration.port)
            let context = ServerContext(configuration: configuration, handler: handler, errorResponder: state.responder, tracker: tracker, protocols: state.protocols)
            let queues = makeQueues(context: context)
            let maxConnections = configuration.maxConnections
            let listeners = bound.map { socket, address in
                listenersClosed.enter()
                return Listener(
                    socket: socket,
                    address: address,
                    queue: acceptQueue,
                    onAccept: { [self] connection, peer in
                        guard tracker.tryOpen(limit: maxConnections) else {
                            // Over maxConnections: accept and close at once, so the client
                            // is told instead of waiting in the backlog.
                            connection.close()
                            return
                        }
                        let index = nextQueue.wrappingAdd(1, ordering: .relaxed).oldValue
                        queues[Int(UInt(bitPattern: index) % UInt(queues.count))].adopt(connection, peer: peer)
                    },
                    onClosed: { [self] in listenersClosed.leave() }
                )
            }
            state.port = bound.first?.1.port ?? configuration.port
            state.addresses = bound.map { $0.1.description }
            state.listeners = listeners
            state.queues = queues
            // A policy the kernel refuses (a seccomp profile, say) leaves the threads as they are.
            switch configuration.cpuScheduling {
            case .normal: break
            case .batch: try? ThreadScheduling.setAllThreads(batch: true)
            case .adaptive:
                let governor = CPUSchedulingGovernor()
                governor.start()
                state.governor = governor
            }
            state.phase = .running
            running.enter()
            for listener in listeners { listener.start() }
        }
    }

    /// One queue per CPU this process may use (a server under `taskset -c 0` runs one).
    private func makeQueues(context: ServerContext) -> [ConnectionQueue] {
        let count = max(1, allowedProcessorCount() ?? sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let interval = ConnectionTimeouts.sweepInterval(header: configuration.headerTimeout, idle: configuration.idleTimeout)
        return (0..<count).map { ConnectionQueue(index: $0, context: context, sweepInterval: interval) }
    }

    /// The port actually bound (the real one after port 0). Valid after `start()`.
    package var boundPort: Int {
        state.withLock { $0.phase == .idle ? configuration.port : $0.port }
    }

    /// Every address listening, e.g. `["127.0.0.1:8080", "[::1]:8080"]`. Valid after `start()`.
    package var boundAddresses: [String] {
        state.withLock { $0.addresses }
    }

    /// Connections currently open (handy for tests and metrics).
    package var openConnectionCount: Int { tracker.count }

    /// Connection objects not yet freed: none once `stop()` has returned and the last
    /// handler closures are gone (tests check that nothing leaks).
    package var liveConnectionObjects: Int { tracker.liveInstances }

    /// How many serial queues the connections are spread over (one per usable CPU).
    var connectionQueueCount: Int { state.withLock { $0.queues.count } }

    private static let ignoreSIGPIPE: Void = {
        // Linux has no SO_NOSIGPIPE: writes use MSG_NOSIGNAL, and this covers any
        // other write to a closed peer (swift-nio does the same).
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    // MARK: - Stopping

    /// Stops the server and returns when it has stopped.
    ///
    /// Listeners close at once (new connections are refused), idle connections
    /// close, requests being handled finish and are written (with
    /// `Connection: close`) for up to `gracePeriod` seconds; then every connection
    /// is closed. Safe to call more than once and from several threads; must not be
    /// called from a handler (it waits for handlers to finish).
    package func stop(gracePeriod: Double = 5) {
        enum Step { case done, wait, stop([Listener], [ConnectionQueue], CPUSchedulingGovernor?) }
        let step: Step = state.withLock { state in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return .done
            case .stopping:
                return .wait
            case .stopped:
                return .done
            case .running:
                state.phase = .stopping
                return .stop(state.listeners, state.queues, state.governor)
            }
        }
        guard case .stop(let listeners, let queues, let governor) = step else {
            if case .wait = step { running.wait() }
            return
        }

        for listener in listeners { listener.cancel() }
        listenersClosed.wait()

        for queue in queues { queue.beginGracefulStop() }
        if !tracker.waitUntilNoneOpen(seconds: gracePeriod) {
            for queue in queues { queue.closeAll() }
            _ = tracker.waitUntilNoneOpen(seconds: 5)
        }
        for queue in queues { queue.shutdown() }
        governor?.stop()
        if configuration.cpuScheduling == .batch { try? ThreadScheduling.setAllThreads(batch: false) }

        state.withLock { state in
            state.listeners = []
            state.queues = []
            state.governor = nil
            state.phase = .stopped
        }
        running.leave()
    }

    /// Blocks until `stop()` has finished (returns at once if the server never started).
    package func waitUntilStopped() {
        running.wait()
    }
}
