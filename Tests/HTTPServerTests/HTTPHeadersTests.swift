import Testing
@testable import HTTPServer

@Suite struct HTTPHeadersTests {
    @Test func fieldsComeBackInOrderAsGiven() {
        var headers = HTTPHeaders([("Host", "h"), ("Accept", "a")])
        headers.add(name: "accept", value: "")
        headers.add(name: "X-Long", value: String(repeating: "v", count: 300))
        #expect(headers.map { "\($0.name)=\($0.value)" } == ["Host=h", "Accept=a", "accept=", "X-Long=" + String(repeating: "v", count: 300)])
        #expect(headers.fields.count == 4)
        #expect(headers.values("ACCEPT") == ["a", ""])
        #expect(HTTPHeaders().fields.isEmpty && HTTPHeaders()["Host"] == nil)
    }

    @Test func firstValueTestedAsBytesWithoutAString() {
        let headers = HTTPHeaders([("Content-Type", "text/plain"), ("content-type", "application/json")])
        #expect(headers.firstValue("CONTENT-TYPE") { $0.elementsEqual("text/plain".utf8) } == true)
        #expect(headers.firstValue("Content-Type") { $0.elementsEqual("application/json".utf8) } == false)
        #expect(headers.firstValue("Content-Length") { _ in true } == nil)
    }

    @Test func containsIgnoresCaseAndEmptyValuesCount() {
        let headers = HTTPHeaders([("Host", "h"), ("X-Empty", "")])
        #expect(headers.contains("host") && headers.contains("x-empty"))
        #expect(!headers.contains("Hos") && !headers.contains("Transfer-Encoding") && !HTTPHeaders().contains("Host"))
    }

    @Test func addingAnotherListKeepsBothOrders() {
        var headers = HTTPHeaders([("host", "a.test")])
        headers.add(contentsOf: HTTPHeaders([("X-One", "1"), ("X-Two", "2")]))
        #expect(headers.fields.map(\.name) == ["host", "X-One", "X-Two"])
        #expect(headers["x-two"] == "2")
    }

    @Test func valueBytesThatAreNotUTF8ReadAsRepairedText() {
        var parser = HTTPRequestParser()
        let events = parser.feed(Array("GET / HTTP/1.1\r\nHost: h\r\nX-Raw: a".utf8) + [0xFF, 0x62] + Array("\r\n\r\n".utf8))
        guard case .request(let request, _)? = events.first else {
            Issue.record("no request")
            return
        }
        #expect(request.headers["x-raw"] == "a\u{FFFD}b")
        #expect(request.headers.fields.last?.value == "a\u{FFFD}b")
        #expect(request.headers.firstValue("X-Raw") { $0.elementsEqual([0x61, 0xFF, 0x62]) } == true)
    }
}
