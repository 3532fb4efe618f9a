/// The application side of the server. Called once per request, in order per
/// connection; the next pipelined request on that connection waits until the request is
/// answered, so a handler may answer later (for injected latency) without blocking other
/// connections.
package protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPHandling
}

/// What a handler does with a request: answers it at once (almost every request, and then
/// the server needs no reply closure, weak reference or hand-off for it), or answers later.
package enum HTTPHandling: Sendable {
    case reply(HTTPReply)
    /// The server calls this once, right away, with the function that delivers the answer:
    /// callable from any thread at any time; only its first call counts.
    case later(@Sendable (_ reply: @escaping @Sendable (HTTPReply) -> Void) -> Void)
}
