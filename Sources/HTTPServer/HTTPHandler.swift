/// The application side of the server. Called once per request, in order per
/// connection; the next pipelined request on that connection waits until `reply`
/// is called, so a handler may answer later (for injected latency) without
/// blocking other connections.
package protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest, reply: @escaping @Sendable (HTTPReply) -> Void)
}
