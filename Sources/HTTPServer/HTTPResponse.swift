/// A response to write. The server sets `Content-Length` (replacing any the handler
/// gave; none for 1xx/204/304), adds `Date` unless the handler set one, and decides
/// `Connection` (a handler's `Connection: close` is honoured); handlers set the rest.
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a handler answers: a response, or an abrupt close of the connection
/// (used by fault injection to emulate a reset).
package enum HTTPReply: Sendable {
    case response(HTTPResponse)
    case resetConnection
}
