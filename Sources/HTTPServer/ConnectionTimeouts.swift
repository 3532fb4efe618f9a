/// The header, idle and linger timeouts of a connection, in monotonic nanoseconds,
/// and the one decision they make: whether a connection has waited too long.
struct ConnectionTimeouts: Sendable {
    /// From a request's first byte to the end of its head; also the time a new
    /// connection gets to send its first byte.
    let header: UInt64
    /// Between requests on a kept-alive connection, and for a body or response that
    /// makes no progress.
    let idle: UInt64
    /// How long a closing connection keeps draining unread input after its last
    /// response, so the client reads that response instead of a reset.
    let linger: UInt64

    init(header: Double, idle: Double) {
        self.header = ConnectionTimeouts.nanoseconds(header)
        self.idle = ConnectionTimeouts.nanoseconds(idle)
        self.linger = ConnectionTimeouts.nanoseconds(min(2, max(idle, 0.1)))
    }

    /// Zero or negative disables a timeout.
    static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds > 0, seconds < 1e9 else { return UInt64.max / 2 }
        return UInt64(seconds * 1e9)
    }

    /// How often a queue's sweep checks deadlines: a quarter of the shortest timeout,
    /// between 10 ms and 0.5 s, so a connection closes at most 25% (or 0.5 s) late.
    static func sweepInterval(header: Double, idle: Double) -> Double {
        let shortest = [header, idle].filter { $0 > 0 }.min() ?? 2
        return min(0.5, max(0.01, shortest / 4))
    }

    enum Verdict: Equatable {
        case keep
        /// Close quietly (FIN): the client was slow or idle.
        case close
    }

    /// The decision for an open connection at `now`.
    /// - Parameters:
    ///   - activity: what its protocol handler waits for.
    ///   - lastRead: when bytes last arrived.
    ///   - lastWrite: when the socket last took output.
    ///   - outputPending: output is waiting for the socket.
    func verdict(_ activity: ConnectionActivity, now: UInt64, lastRead: UInt64, lastWrite: UInt64, outputPending: Bool) -> Verdict {
        if case .handling = activity { return .keep }
        if outputPending {
            // The client stopped reading its responses.
            return now &- lastWrite >= idle ? .close : .keep
        }
        switch activity {
        case .handling:
            return .keep
        case .readingHead(let since):
            // RFC 9112 gives no number; the header timeout runs from the first byte of
            // a request to the end of its header section.
            return now &- since >= header ? .close : .keep
        case .readingBody:
            return now &- lastRead >= idle ? .close : .keep
        case .awaitingRequest(let since, let answeredAny):
            // Before its first request a connection is not "kept alive" yet: it gets the
            // header timeout to start one (no free idle slots for silent connects).
            let limit = answeredAny ? idle : min(idle, header)
            return now &- since >= limit ? .close : .keep
        }
    }
}
