import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on a DispatchSource: takes every pending connection when the
/// source fires and hands each to `onAccept`, on `queue`.
///
/// On EMFILE, ENFILE, ENOBUFS or ENOMEM the pending connection stays in the backlog
/// and the source would fire again at once, so accepting pauses for `backoff`
/// seconds instead of spinning; the listener stays open. The pause is counted by a
/// Dispatch timer made (and armed once) in `init`: libdispatch creates its timer
/// descriptor on a clock's first use, and at EMFILE that would fail and the timer
/// would never fire.
///
/// Thread safety: every mutable field is touched only on `queue`, a serial queue
/// (the sources' handlers run there; `start` and `cancel` hop there), which is what
/// makes the `@unchecked Sendable` sound.
package final class Listener: @unchecked Sendable {
    package typealias Accept = @Sendable (Socket) throws -> IOResult<(Socket, SocketAddress)>

    package let socket: Socket
    /// The address bound, e.g. `127.0.0.1:8080`.
    package let address: SocketAddress

    private let queue: DispatchQueue
    private let source: DispatchSourceRead
    private let backoffTimer: DispatchSourceTimer
    private let backoff: DispatchTimeInterval
    private let accept: Accept
    private let onAccept: @Sendable (Socket, SocketAddress) -> Void
    private let onBackoff: @Sendable (SocketError) -> Void
    private var isPaused = false
    private var isCancelled = false

    /// - Parameters:
    ///   - socket: a non-blocking listening socket; closed in the source's cancel handler.
    ///   - queue: a serial queue for accepting.
    ///   - backoff: how long accepting pauses after EMFILE and the like.
    ///   - accept: takes one connection; tests replace it to simulate EMFILE.
    ///   - onAccept: gets each accepted socket (non-blocking, close-on-exec).
    ///   - onBackoff: told each time accepting pauses, with the error that caused it.
    ///   - onClosed: called once the socket is closed, after `cancel()`.
    package init(
        socket: Socket,
        address: SocketAddress,
        queue: DispatchQueue,
        backoff: Double = 0.1,
        accept: @escaping Accept = { try $0.accept() },
        onAccept: @escaping @Sendable (Socket, SocketAddress) -> Void,
        onBackoff: @escaping @Sendable (SocketError) -> Void = { _ in },
        onClosed: @escaping @Sendable () -> Void = {}
    ) {
        self.socket = socket
        self.address = address
        self.queue = queue
        self.backoff = .nanoseconds(Int(max(0.001, backoff) * 1e9))
        self.accept = accept
        self.onAccept = onAccept
        self.onBackoff = onBackoff
        source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
        backoffTimer = DispatchSource.makeTimerSource(queue: queue)
        // The handlers hold the listener until cancellation releases them.
        source.setEventHandler { self.acceptPending() }
        let timer = backoffTimer
        source.setCancelHandler {
            socket.close()
            timer.cancel()
            onClosed()
        }
        backoffTimer.setEventHandler { self.endBackoff() }
        backoffTimer.schedule(deadline: .now())
        backoffTimer.activate()
    }

    /// Starts accepting.
    package func start() {
        source.activate()
    }

    /// Stops accepting; the socket closes (and `onClosed` runs) on the queue soon after.
    package func cancel() {
        queue.async { self.cancelOnQueue() }
    }

    private func cancelOnQueue() {
        guard !isCancelled else { return }
        isCancelled = true
        source.cancel()
        // A suspended source runs its cancel handler only once resumed.
        if isPaused {
            isPaused = false
            source.resume()
        }
    }

    private func acceptPending() {
        guard !isCancelled, !isPaused else { return }
        while true {
            let result: IOResult<(Socket, SocketAddress)>
            do {
                result = try accept(socket)
            } catch let error as SocketError {
                switch error.errno {
                case ECONNABORTED, EPROTO, EPERM:
                    // That one connection died before we took it; the next may be fine.
                    continue
                default:
                    pause(after: error)
                    return
                }
            } catch {
                pause(after: SocketError(call: "accept4", errno: EIO, detail: "\(error)"))
                return
            }
            guard case .processed(let (connection, peer)) = result else { return }
            onAccept(connection, peer)
        }
    }

    private func pause(after error: SocketError) {
        isPaused = true
        source.suspend()
        backoffTimer.schedule(deadline: .now() + backoff)
        onBackoff(error)
    }

    private func endBackoff() {
        guard isPaused, !isCancelled else { return }
        isPaused = false
        source.resume()
    }
}
