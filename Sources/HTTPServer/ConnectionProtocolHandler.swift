/// The protocol half of a connection: HTTP/1.1 today (`HTTP1Session`), an HTTP/2
/// session later. The transport (`Connection`) owns the socket, reads bytes and hands
/// them in; the handler turns them into requests for the application's `HTTPHandler`
/// and answers through its `ConnectionTransport`.
///
/// Every method is called on the connection's serial queue, and a handler calls its
/// transport only there: a reply that arrives on another thread comes back with
/// `transport.execute(_:)` first. So a handler needs no lock: it is `Sendable` only
/// so replies can carry it back to that queue, which an implementation states as
/// `@unchecked Sendable` with that proof.
///
/// Which handler a connection gets is decided by `ProtocolSniffer` from its first
/// bytes (the HTTP/2 preface, else HTTP/1.1; TLS's 0x16 later), and an HTTP/1.1
/// request may switch it (`Upgrade: h2c`, after a 101) with
/// `ConnectionTransport.switchProtocol(to:replaying:)`. See `ServerProtocols` for
/// where an HTTP/2 implementation plugs in.
protocol ConnectionProtocolHandler: AnyObject, Sendable {
    /// Bytes read from the socket, in order. Valid only during the call.
    func receive(_ bytes: UnsafeRawBufferPointer)

    /// The peer shut its write side (recv returned 0): answer what was received,
    /// then close (`transport.finish` or `transport.close`).
    func peerDidClose()

    /// Every queued output byte reached the socket. A handler that stopped producing
    /// because `transport.outboundBytes` was over its bound resumes here.
    func outputDidDrain()

    /// Graceful stop (SIGTERM): take no new requests, finish the ones in flight, then
    /// close. HTTP/1.1 closes idle connections at once; HTTP/2 would send GOAWAY.
    func beginGracefulStop()

    /// What the connection is waiting for, so the transport's sweep can apply the
    /// header and idle timeouts (`ConnectionTimeouts`). A request being handled is
    /// never timed out.
    var activity: ConnectionActivity { get }

    /// The transport closed (error, timeout, reset, end of the grace period): drop
    /// queued work. Replies arriving later are ignored.
    func connectionDidClose()
}

/// What a protocol handler waits for, for timeouts.
enum ConnectionActivity: Equatable {
    /// No byte of a next request yet. Before the first request a connection gets the
    /// header timeout to start one; after one, the idle (keep-alive) timeout.
    case awaitingRequest(since: UInt64, answeredAny: Bool)
    /// Inside a request's head since this monotonic time (header timeout).
    case readingHead(since: UInt64)
    /// Reading a body: the idle timeout counts from the last byte read.
    case readingBody
    /// The application has a request: no timeout applies.
    case handling
}

/// The transport half as a protocol handler sees it. Implemented by `Connection`
/// (a plain socket); a TLS transport would implement it over OpenSSL memory BIOs.
/// Called only on the connection's queue (see `isOnQueue`, `execute`).
protocol ConnectionTransport: AnyObject, Sendable {
    /// Limits, timeouts, the application handler and the error responder.
    var context: ServerContext { get }
    /// Per-queue scratch space shared by every connection of the queue.
    var scratch: ConnectionScratch { get }
    /// Output accepted but not yet taken by the socket; producers stop while it is
    /// over `OutboundBuffer.highWater`.
    var outboundBytes: Int { get }
    /// False once closed or closing: further output is dropped.
    var isOpen: Bool { get }
    /// True during a graceful stop.
    var isStopping: Bool { get }
    /// The peer's address as text, for logs.
    var remoteAddress: String { get }

    /// Writes `head` then `body` (one syscall when nothing is queued); what the
    /// socket does not take is queued and sent when it turns writable.
    func send(_ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer)
    /// Stops or restarts reading (backpressure).
    func setReading(_ wanted: Bool)
    /// Nothing more will be written: close once the queued output is flushed.
    /// `linger`: shut the write side first and drain input for a moment, so a client
    /// still sending (a rejected body) reads the answer instead of a reset.
    func finish(linger: Bool)
    /// Closes now; with `reset`, the peer gets RST (fault injection).
    func close(reset: Bool)
    /// True when called on this connection's queue.
    var isOnQueue: Bool { get }
    /// Runs `work` on the connection's queue (for replies from other threads).
    func execute(_ work: @escaping @Sendable () -> Void)
    /// Replaces the protocol handler (`Upgrade: h2c` after the 101 is queued) and
    /// feeds it `replaying`, bytes already read past the upgrading request.
    func switchProtocol(to handler: any ConnectionProtocolHandler, replaying: [UInt8])
}
