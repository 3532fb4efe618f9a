import Testing
@testable import HTTPServer

private let date = Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8)

private func head(_ response: HTTPResponse, keepAlive: Bool = true, announceKeepAlive: Bool = false) -> (String, Bool) {
    var out = GrowableBytes(capacity: 8)
    let staysOpen = response.serializeHead(into: &out, date: date, keepAlive: keepAlive, announceKeepAlive: announceKeepAlive)
    return (String(decoding: out.bytes, as: UTF8.self), staysOpen)
}

@Suite struct HTTPResponseSerializationTests {
    @Test func statusLineHeadersLengthAndDate() {
        let response = HTTPResponse(status: 201, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
        let (text, staysOpen) = head(response)
        #expect(text == "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
        #expect(staysOpen)
    }

    @Test func serverOwnsFramingAndConnection() {
        let response = HTTPResponse(status: 200, headers: [
            ("content-length", "99"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive, Close"),
            ("Date", "custom"), ("X-Bad", "a\r\nInjected: yes"), ("X-Good", "ok"),
        ], body: Array("abc".utf8))
        let (text, staysOpen) = head(response)
        #expect(text == "HTTP/1.1 200 OK\r\nDate: custom\r\nX-Good: ok\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
        #expect(!staysOpen)
    }

    @Test func connectionHeaderFollowsTheDecision() {
        #expect(head(HTTPResponse(status: 200), keepAlive: false).0.hasSuffix("Content-Length: 0\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\n"))
        #expect(head(HTTPResponse(status: 200), keepAlive: true, announceKeepAlive: true).0.hasSuffix("Connection: keep-alive\r\n\r\n"))
    }

    @Test func noContentStatusesHaveNoLength() {
        #expect(!head(HTTPResponse(status: 204)).0.contains("Content-Length"))
        #expect(!head(HTTPResponse(status: 304)).0.contains("Content-Length"))
        #expect(HTTPResponse(status: 204).forbidsContent)
        #expect(!HTTPResponse(status: 200).forbidsContent)
    }

    @Test func aReusedBufferHoldsOnlyTheLatestHead() {
        var out = GrowableBytes(capacity: 8)
        let long = HTTPResponse(status: 200, headers: [("X-Long", String(repeating: "v", count: 3000))])
        _ = long.serializeHead(into: &out, date: date, keepAlive: true, announceKeepAlive: false)
        #expect(out.count > 3000)
        _ = HTTPResponse(status: 204).serializeHead(into: &out, date: date, keepAlive: true, announceKeepAlive: false)
        #expect(String(decoding: out.bytes, as: UTF8.self) == "HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n")
    }

    @Test func reasonPhrases() {
        #expect(head(HTTPResponse(status: 431)).0.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        #expect(head(HTTPResponse(status: 599)).0.hasPrefix("HTTP/1.1 599 Server Error\r\n"))
        #expect(head(HTTPResponse(status: 1000000)).0.hasPrefix("HTTP/1.1 1000000 Server Error\r\n"))
        #expect(head(HTTPResponse(status: 99)).0.hasPrefix("HTTP/1.1 99 Server Error\r\n"))
        #expect(head(HTTPResponse(status: Int.min)).0.hasPrefix("HTTP/1.1 -9223372036854775808 Server Error\r\n"))
    }
}
