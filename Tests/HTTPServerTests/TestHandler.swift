import Foundation
import Dispatch
import HTTPServer
import TestSupport
import Testing

/// Routes for the socket tests:
/// - `/echo`: 200, the request body back, plus X-Method / X-Target / X-Version headers.
/// - `/delay?ms=N`: the same, answered N ms later from another thread.
/// - `/reset`: `.resetConnection`.
/// - `/big?bytes=N`: N bytes of a repeating pattern.
/// - `/close`: a handler-set `Connection: close`.
/// - `/twice`: replies three times; only the first counts.
/// - `/no-content`: 204.
/// - `/length-lie`: a handler-set Content-Length the server must replace.
struct TestHandler: HTTPHandler {
    /// Called for every request, before it is answered (from the connection's queue).
    var onRequest: @Sendable (HTTPRequest) -> Void = { _ in }

    func handle(_ request: HTTPRequest) -> HTTPHandling {
        onRequest(request)
        let query = request.query.map(String.init) ?? ""
        let number = Int(query.split(separator: "=").last ?? "") ?? 0
        let echo = HTTPResponse(
            status: 200,
            headers: [
                ("X-Method", request.method),
                ("X-Target", request.target),
                ("X-Version", "\(request.version.major).\(request.version.minor)"),
            ],
            body: request.body
        )
        switch request.path {
        case "/delay":
            return .later { reply in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(number)) {
                    reply(.response(echo))
                }
            }
        case "/reset":
            return .reply(.resetConnection)
        case "/big":
            return .reply(.response(HTTPResponse(status: 200, body: TestHandler.pattern(count: number))))
        case "/close":
            return .reply(.response(HTTPResponse(status: 200, headers: [("Connection", "close")], body: Array("bye".utf8))))
        case "/twice":
            // A buggy handler: the second reply (sync and async) must be ignored.
            return .later { reply in
                reply(.response(HTTPResponse(status: 200, body: Array("first".utf8))))
                reply(.response(HTTPResponse(status: 500, body: Array("second".utf8))))
                DispatchQueue.global().async { reply(.resetConnection) }
            }
        case "/no-content":
            return .reply(.response(HTTPResponse(status: 204)))
        case "/length-lie":
            return .reply(.response(HTTPResponse(status: 200, headers: [("Content-Length", "999"), ("X-Ok", "yes")], body: Array("four".utf8))))
        default:
            return .reply(.response(echo))
        }
    }

    /// Byte i is i % 251. Built by whole periods: a closure call per byte made 8 MiB take
    /// over 10 s under ThreadSanitizer, so the slow-reader test timed out before a byte was sent.
    static func pattern(count: Int) -> [UInt8] {
        let period = (0..<251).map { UInt8($0) }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count { out.append(contentsOf: period.prefix(count - out.count)) }
        return out
    }
}

/// Starts a server on 127.0.0.1, port 0, runs `body`, and stops it; no connection may outlive
/// the stop (the last handler closures go just after it, hence the short wait).
func withServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    handler: TestHandler = TestHandler(),
    protocolErrorResponder: @escaping @Sendable (HTTPProtocolError) -> HTTPResponse = Server.defaultProtocolErrorResponder,
    _ body: (Server) throws -> Void
) throws {
    var configuration = HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0, headerTimeout: 5, idleTimeout: 10)
    configure(&configuration)
    let server = Server(configuration: configuration, handler: handler, protocolErrorResponder: protocolErrorResponder)
    try server.start()
    defer {
        server.stop(gracePeriod: 1)
        #expect(eventually(within: 2) { server.liveConnectionObjects == 0 }, "a connection outlived stop()")
    }
    try body(server)
}
