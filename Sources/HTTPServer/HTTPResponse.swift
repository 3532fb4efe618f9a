/// A response to write. The server adds `Content-Length`, `Date`-free framing and
/// `Connection: close` where it decides to close; handlers set the rest.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What a handler answers: a response, or an abrupt close of the connection
/// (used by fault injection to emulate a reset).
public enum HTTPReply: Sendable {
    case response(HTTPResponse)
    case resetConnection
}
