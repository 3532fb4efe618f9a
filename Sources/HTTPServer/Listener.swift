import Dispatch

/// A listening socket and its read source. Touched only on the server's accept queue.
final class Listener {
    let socket: Socket
    /// "127.0.0.1:8080", "[::1]:8080".
    let address: String
    let source: DispatchSourceRead
    /// Accepting is paused (EMFILE back-off).
    var isPaused = false
    var isCancelled = false

    init(socket: Socket, address: String, queue: DispatchQueue) {
        self.socket = socket
        self.address = address
        self.source = DispatchSource.makeReadSource(fileDescriptor: socket.fd, queue: queue)
    }

    /// Stops accepting for `delay` seconds: on EMFILE/ENFILE the pending connection
    /// stays in the backlog and the level-triggered source would fire again at once.
    /// `timer` counts the delay (a Dispatch timer may need a descriptor, and there
    /// is none left); the resume comes back on `queue`.
    func pause(for delay: Double, on queue: DispatchQueue, timer: ConnectionLoop) {
        guard !isPaused, !isCancelled else { return }
        isPaused = true
        source.suspend()
        timer.execute(after: delay) { [self] in
            queue.async { [self] in
                guard isPaused, !isCancelled else { return }
                isPaused = false
                source.resume()
            }
        }
    }

    /// Closes the socket (in the cancel handler, set by the server).
    func cancel() {
        guard !isCancelled else { return }
        isCancelled = true
        source.cancel()
        if isPaused {
            isPaused = false
            source.resume()
        }
    }
}
