import Locks
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on non-blocking sockets and epoll.
///
/// One listening socket per configured host, accepted on a Dispatch queue; accepted
/// connections are spread round-robin over one epoll loop thread per usable core.
/// Requests are parsed incrementally and handed to `handler` one at a time per
/// connection; responses go out in request order.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 0), handler: MyHandler())
/// try server.start()
/// print(server.boundPort)
/// server.stop(gracePeriod: 5)
/// ```
public final class HTTPServer: @unchecked Sendable {
    public let configuration: HTTPServerConfiguration
    public let handler: any HTTPHandler

    /// Renders the response for a request rejected before it reached the handler
    /// (400, 413, 414, 417, 431, 501, 505). The server adds `Connection: close` and
    /// closes after writing it. Read when `start()` runs; set it before.
    public var protocolErrorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse {
        get { condition.withLock { responder } }
        set { condition.withLock { responder = newValue } }
    }

    /// The default `protocolErrorResponder`: a short text/plain body with the message.
    public static let defaultProtocolErrorResponder: @Sendable (HTTPProtocolError) -> HTTPResponse = { error in
        HTTPResponse(
            status: error.status,
            headers: [("Content-Type", "text/plain; charset=utf-8")],
            body: Array((error.message + "\n").utf8)
        )
    }

    private enum State {
        case idle, running, stopping, stopped
    }

    private let condition = Condition()
    private var state = State.idle
    private var responder: @Sendable (HTTPProtocolError) -> HTTPResponse
    private var listeners: [Listener] = []
    private var loops: [ConnectionLoop] = []
    private var nextLoop = 0
    private var port = 0
    private var addresses: [String] = []
    private let tracker = ConnectionTracker()
    private let acceptQueue = DispatchQueue(label: "HTTPServer.accept")
    private let listenersClosed = DispatchGroup()

    /// - Parameters:
    ///   - configuration: hosts, port, limits and timeouts.
    ///   - handler: called for every valid request.
    ///   - protocolErrorResponder: renders protocol errors; defaults to plain text.
    public init(
        configuration: HTTPServerConfiguration,
        handler: any HTTPHandler,
        protocolErrorResponder: @escaping @Sendable (HTTPProtocolError) -> HTTPResponse = HTTPServer.defaultProtocolErrorResponder
    ) {
        self.configuration = configuration
        self.handler = handler
        self.responder = protocolErrorResponder
    }

    // MARK: - Starting

    /// Binds every configured host and starts serving; returns once listening.
    ///
    /// Hosts that cannot exist on this machine (EADDRNOTAVAIL, EAFNOSUPPORT: no IPv6,
    /// say) are skipped as long as one host binds; `boundAddresses` tells which did.
    /// With port 0 the first host gets a free port and the others bind that same port.
    /// - Throws: `SocketError` (errno and the failing call) when nothing could be
    ///   bound, on any other bind failure, or when the server was already started.
    public func start() throws {
        _ = HTTPServer.ignoreSIGPIPE
        condition.lock()
        defer { condition.unlock() }
        guard state == .idle else {
            throw SocketError(call: "start", errno: EINVAL, detail: "the server was already started")
        }
        let bound = try bindListeners()
        do {
            loops = try startLoops()
        } catch {
            for (socket, _) in bound { socket.close() }
            throw error
        }

        port = bound.first?.1.port ?? configuration.port
        addresses = bound.map { $0.1.description }
        listeners = bound.map { socket, address in
            let listener = Listener(socket: socket, address: address.description, queue: acceptQueue)
            listener.source.setEventHandler { [self, unowned listener] in acceptConnections(on: listener) }
            listenersClosed.enter()
            listener.source.setCancelHandler { [self] in
                socket.close()
                listenersClosed.leave()
            }
            return listener
        }
        for listener in listeners { listener.source.resume() }
        state = .running
    }

    /// One loop per CPU this process may use (a server under `taskset -c 0` runs one).
    private func startLoops() throws -> [ConnectionLoop] {
        let context = ServerContext(configuration: configuration, handler: handler, errorResponder: responder, tracker: tracker)
        let loopCount = max(1, allowedProcessorCount() ?? sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        // A quarter of the shortest timeout between 10 ms and 0.5 s: a connection is
        // closed at most 25% (or 0.5 s) after its deadline.
        let shortest = [configuration.headerTimeout, configuration.idleTimeout].filter { $0 > 0 }.min() ?? 2
        let sweepInterval = min(0.5, max(0.01, shortest / 4))
        var loops: [ConnectionLoop] = []
        do {
            for index in 0..<loopCount {
                let loop = try ConnectionLoop(name: "HTTPServer.\(index)", context: context, sweepInterval: sweepInterval)
                loops.append(loop)
                try loop.start()
            }
        } catch {
            for loop in loops { loop.stopAndJoin() }
            throw error
        }
        return loops
    }

    /// The port actually bound (the real one after port 0). Valid after `start()`.
    public var boundPort: Int {
        condition.withLock { state == .idle ? configuration.port : port }
    }

    /// Every address listening, e.g. `["127.0.0.1:8080", "[::1]:8080"]`. Valid after `start()`.
    public var boundAddresses: [String] {
        condition.withLock { addresses }
    }

    /// Connections currently open (handy for tests and metrics).
    public var openConnectionCount: Int { tracker.count }

    private static let ignoreSIGPIPE: Void = {
        // Linux has no SO_NOSIGPIPE: writes use MSG_NOSIGNAL, and this covers any
        // other write to a closed peer (swift-nio does the same).
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    private func bindListeners() throws -> [(Socket, SocketAddress)] {
        // With port 0 the free port picked for the first host may be taken on another;
        // start over with a new one a few times.
        let attempts = configuration.port == 0 ? 8 : 1
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try bindAllHosts()
            } catch let error as SocketError where error.errno == EADDRINUSE && attempt < attempts {
                continue
            }
        }
    }

    private func bindAllHosts() throws -> [(Socket, SocketAddress)] {
        var port = configuration.port
        var bound: [(Socket, SocketAddress)] = []
        var lastError: SocketError?
        for host in configuration.hosts {
            let candidates: [SocketAddress]
            do {
                candidates = try SocketAddress.resolve(host: host, port: port)
            } catch let error as SocketError {
                lastError = error
                continue
            }
            for var address in candidates {
                address.port = port
                do {
                    let socket = try Socket.listening(on: address)
                    let actual: SocketAddress
                    do {
                        actual = try socket.localAddress()
                    } catch {
                        socket.close()
                        throw error
                    }
                    if port == 0 { port = actual.port }
                    bound.append((socket, actual))
                } catch let error as SocketError where error.errno == EADDRNOTAVAIL || error.errno == EAFNOSUPPORT {
                    lastError = error
                } catch {
                    for (socket, _) in bound { socket.close() }
                    throw error
                }
            }
        }
        guard !bound.isEmpty else {
            throw lastError ?? SocketError(call: "bind", errno: EADDRNOTAVAIL, detail: "no host configured")
        }
        return bound
    }

    // MARK: - Accepting (on acceptQueue)

    private func acceptConnections(on listener: Listener) {
        guard !listener.isCancelled else { return }
        while true {
            let result: IOResult<(Socket, SocketAddress)>
            do {
                result = try listener.socket.accept()
            } catch let error as SocketError {
                switch error.errno {
                case ECONNABORTED, EPROTO, EPERM:
                    // That one connection died before we took it; the next may be fine.
                    continue
                default:
                    // EMFILE, ENFILE, ENOBUFS, ENOMEM or worse: back off instead of spinning
                    // on a backlog we cannot take from; the listener stays open.
                    listener.pause(for: 0.1, on: acceptQueue, timer: loops[0])
                    return
                }
            } catch {
                listener.pause(for: 0.1, on: acceptQueue, timer: loops[0])
                return
            }
            guard case .processed(let (socket, peer)) = result else { return }
            guard tracker.tryOpen(limit: configuration.maxConnections) else {
                // Over maxConnections: accept and close at once, so the client is told
                // instead of waiting in the backlog.
                socket.close()
                continue
            }
            socket.setNoDelay()
            let loop = loops[nextLoop]
            nextLoop = (nextLoop + 1) % loops.count
            let connection = HTTPConnection(socket: socket, remoteAddress: peer.description, loop: loop)
            if !loop.execute({ loop.adopt(connection) }) {
                socket.close()
                tracker.didClose()
            }
        }
    }

    // MARK: - Stopping

    /// Stops the server and returns when it has stopped.
    ///
    /// Listeners close at once (new connections are refused), idle connections
    /// close, requests being handled finish and are written (with
    /// `Connection: close`) for up to `gracePeriod` seconds; then every connection
    /// is closed. Safe to call more than once and from several threads; must not be
    /// called from a handler (it waits for handlers to finish).
    public func stop(gracePeriod: Double = 5) {
        condition.lock()
        switch state {
        case .idle:
            state = .stopped
            condition.broadcast()
            condition.unlock()
            return
        case .stopping:
            while state != .stopped { condition.wait() }
            condition.unlock()
            return
        case .stopped:
            condition.unlock()
            return
        case .running:
            state = .stopping
        }
        let listeners = self.listeners
        let loops = self.loops
        condition.unlock()

        acceptQueue.sync {
            for listener in listeners { listener.cancel() }
        }
        listenersClosed.wait()

        for loop in loops { loop.execute { loop.beginShutdown() } }
        if !tracker.waitUntilNoneOpen(seconds: gracePeriod) {
            for loop in loops { loop.execute { loop.closeAll() } }
            _ = tracker.waitUntilNoneOpen(seconds: 5)
        }
        // The threads exit after closing whatever is left; their descriptors close here.
        for loop in loops { loop.stopAndJoin() }

        condition.lock()
        self.listeners = []
        self.loops = []
        state = .stopped
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until `stop()` has finished (returns at once if the server never started).
    public func waitUntilStopped() {
        condition.lock()
        while state == .running || state == .stopping { condition.wait() }
        condition.unlock()
    }
}
