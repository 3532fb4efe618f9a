import Testing
import TestSupport
@testable import HTTPServer

/// Feeds `input` to a fresh parser in the given pieces and describes what came out.
private func parse(_ input: String, pieces: [Int]? = nil, limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits()) -> [String] {
    parse(Array(input.utf8), pieces: pieces, limits: limits)
}

private func parse(_ bytes: [UInt8], pieces: [Int]? = nil, limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits()) -> [String] {
    var parser = HTTPRequestParser(limits: limits, remoteAddress: "test")
    var events: [HTTPRequestParser.Event] = []
    var offset = 0
    for size in pieces ?? [bytes.count] where offset < bytes.count {
        let end = min(bytes.count, offset + size)
        Array(bytes[offset..<end]).withUnsafeBytes { parser.feed($0, into: &events) }
        offset = end
    }
    if offset < bytes.count {
        Array(bytes[offset...]).withUnsafeBytes { parser.feed($0, into: &events) }
    }
    return events.map(describe)
}

private func describe(_ event: HTTPRequestParser.Event) -> String {
    switch event {
    case .continueExpected:
        return "100-continue"
    case .error(let error):
        return "error \(error.status): \(error.message)"
    case .request(let request, let keepAlive):
        let headers = request.headers.fields.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
        let body = String(decoding: request.body, as: UTF8.self)
        return "\(request.method) \(request.target) HTTP/\(request.version.major).\(request.version.minor) [\(headers)] body=\(body) keepAlive=\(keepAlive)"
    }
}

private func randomPieces(total: Int, seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    var pieces: [Int] = []
    var left = total
    while left > 0 {
        let size = Int.random(in: 1...max(1, min(left, 23)), using: &rng)
        pieces.append(size)
        left -= size
    }
    return pieces
}

/// Whole, byte by byte and in 20 random splits: all must agree; returns the whole result.
private func parseEverySplit(_ input: String, limits: HTTPRequestParser.Limits = HTTPRequestParser.Limits(), sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
    let bytes = Array(input.utf8)
    let whole = parse(bytes, limits: limits)
    #expect(parse(bytes, pieces: Array(repeating: 1, count: bytes.count), limits: limits) == whole, "byte by byte", sourceLocation: sourceLocation)
    for seed in 1...20 as ClosedRange<UInt64> {
        let pieces = randomPieces(total: bytes.count, seed: seed)
        #expect(parse(bytes, pieces: pieces, limits: limits) == whole, "split \(pieces)", sourceLocation: sourceLocation)
    }
    return whole
}

@Suite struct HTTPRequestParserTests {
    @Test func simpleGetIsTheSameWholeByteByByteAndSplit() {
        let events = parseEverySplit("GET /zones/abc/ssl/certificate_packs?status=all HTTP/1.1\r\nHost: localhost\r\nX-Auth-Key: k\r\n\r\n")
        #expect(events == ["GET /zones/abc/ssl/certificate_packs?status=all HTTP/1.1 [Host=localhost|X-Auth-Key=k] body= keepAlive=true"])
    }

    @Test func requestExposesPathQueryAndCaseInsensitiveHeaders() {
        var parser = HTTPRequestParser()
        let events = parser.feed(Array("GET /a/b?x=1&y=2 HTTP/1.1\r\nhOsT: h\r\nAccept: a\r\naccept: b\r\n\r\n".utf8))
        guard case .request(let request, _)? = events.first else {
            Issue.record("no request: \(events.map(describe))")
            return
        }
        #expect(request.path == "/a/b")
        #expect(request.query == "x=1&y=2")
        #expect(request.headers["HOST"] == "h")
        #expect(request.headers.values("ACCEPT") == ["a", "b"])
        #expect(request.headers["missing"] == nil)
    }

    @Test func pipelinedRequestsInOneBuffer() {
        let input = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
            + "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "DELETE /4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
            + "GET /ignored-after-close HTTP/1.1\r\nHost: h\r\n\r\n"
        let events = parseEverySplit(input)
        #expect(events == [
            "GET /1 HTTP/1.1 [Host=h] body= keepAlive=true",
            "POST /2 HTTP/1.1 [Host=h|Content-Length=5] body=hello keepAlive=true",
            "PUT /3 HTTP/1.1 [Host=h|Transfer-Encoding=chunked] body=abc keepAlive=true",
            "DELETE /4 HTTP/1.1 [Host=h|Connection=close] body= keepAlive=false",
        ])
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let input = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip-not, chunked\r\n\r\n"
        #expect(parse(input) == ["error 501: Unsupported transfer coding"])

        let chunked = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
            + "4;name=value;flag\r\nWiki\r\n"
            + "5 ; ext=\"quoted\"\r\npedia\r\n"
            + "00E\r\n in\r\n\r\nchunks.\r\n"
            + "0;last\r\nExpires: never\r\nX-Checksum: abc\r\n\r\n"
            + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"
        let events = parseEverySplit(chunked)
        #expect(events == [
            "POST /c HTTP/1.1 [Host=h|Transfer-Encoding=Chunked] body=Wikipedia in\r\n\r\nchunks. keepAlive=true",
            "GET /next HTTP/1.1 [Host=h] body= keepAlive=true",
        ])
    }

    @Test func toleratesLeadingEmptyLinesAndBareLF() {
        let events = parseEverySplit("\r\n\nGET / HTTP/1.1\nHost: h\nContent-Length: 2\n\nok")
        #expect(events == ["GET / HTTP/1.1 [Host=h|Content-Length=2] body=ok keepAlive=true"])
    }

    @Test func http10ClosesUnlessKeepAliveAndNeedsNoHost() {
        #expect(parseEverySplit("GET / HTTP/1.0\r\n\r\n") == ["GET / HTTP/1.0 [] body= keepAlive=false"])
        #expect(parseEverySplit("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n") == [
            "GET / HTTP/1.0 [Connection=Keep-Alive] body= keepAlive=true",
            "GET /2 HTTP/1.0 [] body= keepAlive=false",
        ])
    }

    @Test func valueWhitespaceIsTrimmedAndIdenticalContentLengthsAccepted() {
        let events = parseEverySplit("POST / HTTP/1.1\r\nHost:h\r\nX-A: \t spaced value \t\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc")
        #expect(events == ["POST / HTTP/1.1 [Host=h|X-A=spaced value|Content-Length=3, 3|Content-Length=3] body=abc keepAlive=true"])
    }

    @Test func expectContinueComesBeforeTheBody() {
        let events = parseEverySplit("POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nhi")
        #expect(events == ["100-continue", "POST /e HTTP/1.1 [Host=h|Expect=100-Continue|Content-Length=2] body=hi keepAlive=true"])
        // No body, or HTTP/1.0: no 100 (RFC 9110 §10.1.1).
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n").first?.hasPrefix("GET") == true)
        #expect(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx").first?.hasPrefix("POST") == true)
    }

    @Test func expectContinueWithTooLargeBodyIs413WithoutContinue() {
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 10)
        let events = parseEverySplit("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n", limits: limits)
        #expect(events == ["error 413: Request body too large"])
    }

    @Test func bodyExactlyAtTheLimitIsAccepted() {
        let limits = HTTPRequestParser.Limits(maxBodyBytes: 5)
        #expect(parseEverySplit("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n12345", limits: limits).count == 1)
        let chunked = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n123\r\n2\r\n45\r\n0\r\n\r\n"
        #expect(parseEverySplit(chunked, limits: limits).first?.hasSuffix("body=12345 keepAlive=true") == true)
    }

    @Test func requestLineLimitExcludesTheLineEnding() {
        let limits = HTTPRequestParser.Limits(maxRequestLineBytes: 20)
        let exact = "GET /" + String(repeating: "a", count: 6) + " HTTP/1.1"  // 20 bytes
        #expect(exact.utf8.count == 20)
        #expect(parseEverySplit(exact + "\r\nHost: h\r\n\r\n", limits: limits).count == 1)
        #expect(parseEverySplit(exact + "\nHost: h\n\n", limits: limits).first?.hasPrefix("GET") == true)
        let over = "GET /" + String(repeating: "a", count: 7) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(parseEverySplit(over, limits: limits) == ["error 414: Request line too long"])
    }

    @Test func nothingIsParsedAfterAnError() {
        var parser = HTTPRequestParser()
        let first = parser.feed(Array("BAD\r\n".utf8))
        #expect(first.map(describe) == ["error 400: Malformed request line"])
        #expect(parser.phase == .finished)
        #expect(parser.feed(Array("GET / HTTP/1.1\r\nHost: h\r\n\r\n".utf8)).isEmpty)
    }

    @Test func phaseFollowsTheRequest() {
        var parser = HTTPRequestParser()
        #expect(parser.phase == .idle)
        _ = parser.feed(Array("GET / HT".utf8))
        #expect(parser.phase == .head)
        _ = parser.feed(Array("TP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n".utf8))
        #expect(parser.phase == .body)
        _ = parser.feed(Array("ab".utf8))
        #expect(parser.phase == .idle)
    }

    // MARK: Malformed input

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let input: String
        let status: Int
        var limits = HTTPRequestParser.Limits(maxRequestLineBytes: 64, maxHeaderBytes: 128, maxHeaderCount: 4, maxBodyBytes: 16)
        var testDescription: String { "\(name) → \(status)" }
    }

    static let malformed: [Malformed] = [
        // Request line (RFC 9112 §3).
        Malformed(name: "no version", input: "GET /\r\n\r\n", status: 400),
        Malformed(name: "garbage", input: "hello world\r\n\r\n", status: 400),
        Malformed(name: "two spaces", input: "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "tab separator", input: "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "trailing space", input: "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "lowercase version", input: "GET / http/1.1\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "version garbage", input: "GET / HTTP/1.10\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "empty method", input: " / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "method not a token", input: "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "CTL in target", input: "GET /a\u{01}b HTTP/1.1\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "bare CR in line", input: "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "HTTP/2.0", input: "GET / HTTP/2.0\r\nHost: h\r\n\r\n", status: 505),
        Malformed(name: "HTTP/1.2", input: "GET / HTTP/1.2\r\nHost: h\r\n\r\n", status: 505),
        Malformed(name: "HTTP/0.9", input: "GET / HTTP/0.9\r\n\r\n", status: 505),
        Malformed(name: "request line too long", input: "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: h\r\n\r\n", status: 414),
        Malformed(name: "request line too long, never ends", input: "GET /" + String(repeating: "a", count: 100), status: 414),
        // Header section (§5).
        Malformed(name: "header section too large", input: "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 200) + "\r\n\r\n", status: 431),
        Malformed(name: "header section too large, never ends", input: "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + String(repeating: "b", count: 200), status: 431),
        Malformed(name: "too many header fields", input: "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", status: 431),
        Malformed(name: "space before colon", input: "GET / HTTP/1.1\r\nHost : h\r\n\r\n", status: 400),
        Malformed(name: "no colon", input: "GET / HTTP/1.1\r\nHost h\r\n\r\n", status: 400),
        Malformed(name: "empty field name", input: "GET / HTTP/1.1\r\n: h\r\nHost: h\r\n\r\n", status: 400),
        Malformed(name: "name not a token", input: "GET / HTTP/1.1\r\nHo@st: h\r\n\r\n", status: 400),
        Malformed(name: "obs-fold", input: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  continued\r\n\r\n", status: 400),
        Malformed(name: "whitespace before first field", input: "GET / HTTP/1.1\r\n Host: h\r\n\r\n", status: 400),
        Malformed(name: "NUL in value", input: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", status: 400),
        Malformed(name: "CR in value", input: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", status: 400),
        Malformed(name: "CTL in value", input: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{1B}b\r\n\r\n", status: 400),
        Malformed(name: "DEL in value", input: "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}b\r\n\r\n", status: 400),
        Malformed(name: "missing Host", input: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", status: 400),
        Malformed(name: "two Host fields", input: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", status: 400),
        Malformed(name: "two Host fields in HTTP/1.0", input: "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", status: 400),
        // Framing (§6).
        Malformed(name: "TE and CL", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc", status: 400),
        Malformed(name: "TE in HTTP/1.0", input: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Malformed(name: "TE gzip", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501),
        Malformed(name: "TE gzip, chunked", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", status: 501),
        Malformed(name: "TE chunked, gzip", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", status: 501),
        Malformed(name: "TE chunked twice", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", status: 400),
        Malformed(name: "TE empty", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n", status: 400),
        Malformed(name: "CL not a number", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n", status: 400),
        Malformed(name: "CL negative", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", status: 400),
        Malformed(name: "CL plus sign", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\nx", status: 400),
        Malformed(name: "CL empty", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", status: 400),
        Malformed(name: "CL space inside", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n", status: 400),
        Malformed(name: "CL overflow", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", status: 400),
        Malformed(name: "CL differing list", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\nhello", status: 400),
        Malformed(name: "CL differing fields", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", status: 400),
        Malformed(name: "CL over the limit", input: "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n", status: 413),
        Malformed(name: "unknown expectation", input: "POST / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx", status: 417),
        // Chunked bodies (§7.1).
        Malformed(name: "chunk size not hex", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", status: 400),
        Malformed(name: "chunk size empty", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", status: 400),
        Malformed(name: "chunk size overflow", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n", status: 400),
        Malformed(name: "chunk size junk after", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3x\r\nabc\r\n0\r\n\r\n", status: 400),
        Malformed(name: "chunk data without CRLF", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", status: 400),
        Malformed(name: "chunk data CR without LF", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\rx0\r\n\r\n", status: 400),
        Malformed(name: "chunk line too long", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" + String(repeating: "e", count: 5000), status: 400),
        Malformed(name: "chunked grows past the limit", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n9\r\n", status: 413),
        Malformed(name: "bad trailer field", input: "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nBad Trailer: x\r\n\r\n", status: 400),
    ]

    @Test(arguments: malformed)
    func malformedInputGetsItsStatusForEverySplit(_ testCase: Malformed) {
        let events = parseEverySplit(testCase.input, limits: testCase.limits)
        #expect(events.count == 1, "\(events)")
        #expect(events.last?.hasPrefix("error \(testCase.status):") == true, "\(events)")
    }

    @Test func errorAfterAValidPipelinedRequestKeepsTheFirst() {
        let events = parseEverySplit("GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /bad HTTP/9.9\r\nHost: h\r\n\r\n")
        #expect(events == ["GET /ok HTTP/1.1 [Host=h] body= keepAlive=true", "error 505: HTTP version not supported"])
    }

    @Test func everyControlByteInAFieldValueIsRefusedWherever() {
        // The value is checked eight bytes at a time: put each byte at each place of a
        // 20-byte value (two whole words and a tail).
        for byte in UInt8(0)...255 where byte != 0x0A && byte != 0x0D {
            let refused = (byte < 0x20 && byte != 0x09) || byte == 0x7F
            for place in 0..<20 {
                var value = Array(repeating: UInt8(ascii: "v"), count: 20)
                value[place] = byte
                let events = parse(Array("GET / HTTP/1.1\r\nHost: h\r\nX-Probe: ".utf8) + value + Array("\r\n\r\n".utf8))
                if refused {
                    #expect(events == ["error 400: Invalid character in header field value"], "byte \(byte) at \(place)")
                } else {
                    #expect(events.count == 1 && events[0].hasPrefix("GET / HTTP/1.1"), "byte \(byte) at \(place): \(events)")
                }
            }
        }
    }

    @Test func protocolErrorMessagesAreHuman() {
        let events = parse("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "x", count: 300) + "\r\n\r\n", limits: HTTPRequestParser.Limits(maxHeaderBytes: 100))
        #expect(events == ["error 431: Request header section too large"])
    }
}
