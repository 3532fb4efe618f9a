import Foundation
import Testing
@testable import HTTPServer
import TestSupport

/// Request-target forms (RFC 9112 §3.2) and the committed fuzz corpus replayed.
@Suite struct HostileRequestTargetTests {
    /// The events of `input` fed whole; the same must come out byte by byte.
    private func parse(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        func run(_ pieces: [[UInt8]]) -> [String] {
            var parser = HTTPRequestParser(remoteAddress: "test")
            var events: [HTTPRequestParser.Event] = []
            for piece in pieces { piece.withUnsafeBytes { parser.feed($0, into: &events) } }
            return events.map { event in
                switch event {
                case .continueExpected: return "100-continue"
                case .error(let error): return "error \(error.status)"
                case .request(let request, _): return "\(request.method) \(request.target) path=\(request.path) query=\(request.query ?? "-")"
                }
            }
        }
        let whole = run([input])
        #expect(run(input.map { [$0] }) == whole, "byte by byte", sourceLocation: sourceLocation)
        return whole
    }

    private func target(_ method: String, _ target: String) -> [String] {
        parse(Array("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n".utf8))
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/client/v4/zones/z/ssl/certificate_packs?status=all", "/client/v4/zones/z/ssl/certificate_packs?status=all"),
        ("HTTP://example.com/a", "/a"),
        ("https://[::1]:8443/a/b/", "/a/b/"),
        ("http://localhost", "/"),
        ("http://localhost?x=1", "/?x=1"),
        ("http://localhost/?x=1", "/?x=1"),
    ])
    func absoluteFormIsReducedToOriginForm(_ sent: String, _ expected: String) {
        let events = target("POST", sent)
        #expect(events.count == 1)
        #expect(events.first?.hasPrefix("POST \(expected) ") == true, "\(events)")
    }

    @Test func absoluteFormGivesPathAndQuery() {
        #expect(target("GET", "http://h:1/zones/a?b=c") == ["GET /zones/a?b=c path=/zones/a query=b=c"])
    }

    @Test(arguments: [
        "http://user@host/a", "http://user:pw@host/a", "ftp://host/a", "file:///etc/passwd", "http:///a", "http://:80/a",
        "http:/a", "http:a", "zones/a", "..%2f..%2fetc%2fpasswd", "example.com:443",
    ])
    func targetsOfNoAcceptedFormAre400(_ sent: String) {
        #expect(target("GET", sent) == ["error 400"])
    }

    @Test func asteriskFormOnlyWithOptions() {
        #expect(target("OPTIONS", "*") == ["OPTIONS * path=* query=-"])
        #expect(target("GET", "*") == ["error 400"])
    }

    @Test func authorityFormOnlyWithConnect() {
        #expect(target("CONNECT", "example.com:443") == ["CONNECT example.com:443 path=example.com:443 query=-"])
    }

    @Test func absoluteFormStillNeedsHostInHTTP11() {
        #expect(parse(Array("GET http://h/a HTTP/1.1\r\n\r\n".utf8)) == ["error 400"])
        #expect(parse(Array("GET http://h/a HTTP/1.0\r\n\r\n".utf8)) == ["GET /a path=/a query=-"])
    }

    /// Every committed seed of the HTTP fuzz target still parses the same whole and
    /// byte by byte, without a crash (the fuzz target's own oracle, replayed in `swift test`).
    @Test func fuzzCorpusReplays() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/corpus/http-parser").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
        #expect(files.count >= 10)
        for file in files {
            let events = parse(Array(try Data(contentsOf: file)))
            #expect(!events.isEmpty, "\(file.lastPathComponent) produced nothing")
        }
    }
}
