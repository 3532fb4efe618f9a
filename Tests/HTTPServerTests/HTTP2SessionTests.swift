import CNGHTTP2
import Dispatch
import Synchronization
import Testing
@testable import HTTPServer

private func configuration(
    handler: any HTTPHandler = TestHandler(), maxHeaderCount: Int = 100, maxHeaderBytes: Int = 65536,
    maxBodyBytes: Int = 1 << 20, idleTimeout: UInt64 = 60_000_000_000, headerTimeout: UInt64 = 10_000_000_000
) -> HTTP2Session.Configuration {
    HTTP2Session.Configuration(
        handler: handler,
        errorResponder: { HTTPResponse(status: $0.status, headers: [("Content-Type", "text/plain")], body: Array($0.message.utf8)) },
        maxHeaderCount: maxHeaderCount, maxHeaderBytes: maxHeaderBytes, maxBodyBytes: maxBodyBytes,
        idleTimeout: idleTimeout, headerTimeout: headerTimeout)
}

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// Records what the handler was given.
private final class Seen: Sendable {
    let requests = Mutex<[HTTPRequest]>([])
    var all: [HTTPRequest] { requests.withLock { $0 } }
}

@Suite struct HTTP2SessionTests {
    @Test func requestReachesTheHandlerAsHTTP2AndIsAnswered() {
        let seen = Seen()
        let h2 = H2TestClient(configuration: configuration(handler: TestHandler(onRequest: { r in seen.requests.withLock { $0.append(r) } })))
        h2.queue.sync {
            let id = h2.request("GET", "/echo?x=1", headers: [("x-trace", "abc")])
            h2.pump()
            let response = h2.response(id)
            #expect(response.status == 200)
            #expect(response.header("x-target") == "/echo?x=1")
            #expect(response.header("x-version") == "2.0")
            #expect(response.header("content-length") == "0")
            #expect(response.header("date")?.hasSuffix(" GMT") == true)
            #expect(response.closedWith == NGHTTP2_NO_ERROR.rawValue)
        }
        let request = try! #require(seen.all.first)
        #expect(request.version == .http2)
        #expect(request.version.protocolName == "HTTP/2")
        #expect(request.headers["Host"] == "mock.test")
        #expect(request.headers["X-Trace"] == "abc")
        #expect(request.path == "/echo")
        #expect(request.query == "x=1")
        #expect(request.remoteAddress == "[::1]:1234")
    }

    @Test func postBodyArrivesWholeAndHEADGetsNoContent() {
        let h2 = H2TestClient(configuration: configuration())
        h2.queue.sync {
            let body = Array(TestHandler.pattern(count: 200_000))
            let post = h2.request("POST", "/echo", headers: [("content-length", String(body.count))], body: body)
            let head = h2.request("HEAD", "/big?bytes=5000")
            h2.pump()
            #expect(h2.response(post).status == 200)
            #expect(h2.response(post).body == body)
            #expect(h2.response(head).status == 200)
            #expect(h2.response(head).header("content-length") == "5000")
            #expect(h2.response(head).body.isEmpty)
        }
    }

    @Test func manyConcurrentStreamsEachGetTheirOwnAnswer() {
        let h2 = H2TestClient(configuration: configuration())
        h2.queue.sync {
            let ids = (0..<100).map { h2.request("POST", "/echo?n=\($0)", body: Array("body \($0)".utf8)) }
            h2.pump()
            for (n, id) in ids.enumerated() {
                #expect(h2.response(id).header("x-target") == "/echo?n=\(n)")
                #expect(text(h2.response(id).body) == "body \(n)")
            }
        }
    }

    @Test func delayedRepliesGoOnTheirOwnStream() {
        let h2 = H2TestClient(configuration: configuration())
        var slow: Int32 = 0, fast: Int32 = 0
        h2.queue.sync {
            slow = h2.request("GET", "/delay?ms=30")
            fast = h2.request("GET", "/echo?fast")
            h2.pump()
            #expect(h2.response(fast).status == 200)
            #expect(h2.response(slow).status == nil)
        }
        #expect(h2.lateOutput.wait(timeout: .now() + 10) == .success)
        h2.queue.sync {
            h2.pump()
            #expect(h2.response(slow).status == 200)
            #expect(h2.response(slow).header("x-target") == "/delay?ms=30")
        }
    }

    @Test func resetFaultResetsOnlyItsStream() {
        let h2 = H2TestClient(configuration: configuration())
        h2.queue.sync {
            let reset = h2.request("GET", "/reset")
            let other = h2.request("GET", "/echo")
            h2.pump()
            #expect(h2.response(reset).status == nil)
            #expect(h2.response(reset).closedWith == NGHTTP2_INTERNAL_ERROR.rawValue)
            #expect(h2.response(other).status == 200)
            #expect(h2.goawayCode == nil)
        }
    }

    @Test func tooManyHeaderFieldsIs431AndTheConnectionStaysUsable() {
        let h2 = H2TestClient(configuration: configuration(maxHeaderCount: 20))
        h2.queue.sync {
            let many = h2.request("GET", "/echo", headers: (0..<50).map { ("x-field-\($0)", "v") })
            h2.pump()
            #expect(h2.response(many).status == 431)
            #expect(text(h2.response(many).body) == "Too many request header fields")
            let next = h2.request("GET", "/echo", headers: (0..<20).map { ("x-field-\($0)", "v") })
            h2.pump()
            #expect(h2.response(next).status == 200)
        }
    }

    @Test func oversizedHeaderListIs431() {
        let h2 = H2TestClient(configuration: configuration(maxHeaderBytes: 4096))
        h2.queue.sync {
            let big = h2.request("GET", "/echo", headers: [("x-big", String(repeating: "a", count: 5000))])
            h2.pump()
            #expect(h2.response(big).status == 431)
            #expect(text(h2.response(big).body) == "Request header section too large")
        }
    }

    @Test func declaredBodyOverTheLimitIs413BeforeTheBody() {
        let seen = Seen()
        let h2 = H2TestClient(configuration: configuration(handler: TestHandler(onRequest: { r in seen.requests.withLock { $0.append(r) } }), maxBodyBytes: 1000))
        h2.queue.sync {
            let declared = h2.request("POST", "/echo", headers: [("content-length", "5000")], body: Array(repeating: 1, count: 5000))
            let undeclared = h2.request("POST", "/echo", body: Array(repeating: 2, count: 5000))
            let fits = h2.request("POST", "/echo", body: Array(repeating: 3, count: 1000))
            h2.pump()
            #expect(h2.response(declared).status == 413)
            #expect(h2.response(undeclared).status == 413)
            #expect(h2.response(fits).status == 200)
            #expect(h2.response(fits).body.count == 1000)
        }
        #expect(seen.all.count == 1)
    }

    @Test func contentLengthThatDisagreesWithDataIsAStreamError() {
        let seen = Seen()
        let h2 = H2TestClient(configuration: configuration(handler: TestHandler(onRequest: { r in seen.requests.withLock { $0.append(r) } })))
        h2.queue.sync {
            let short = h2.request("POST", "/echo", headers: [("content-length", "10")], body: Array("12345".utf8))
            let long = h2.request("POST", "/echo", headers: [("content-length", "2")], body: Array("12345".utf8))
            h2.pump()
            #expect(h2.response(short).status == nil)
            #expect(h2.response(short).closedWith == NGHTTP2_PROTOCOL_ERROR.rawValue)
            #expect(h2.response(long).closedWith == NGHTTP2_PROTOCOL_ERROR.rawValue)
            #expect(h2.goawayCode == nil)
        }
        #expect(seen.all.isEmpty)
    }

    @Test func outputIsProducedOnlyUpToTheLimitAsked() {
        let h2 = H2TestClient(configuration: configuration())
        h2.queue.sync {
            nghttp2_session_set_local_window_size(h2.client, 0, 0, 1 << 24)
            var settings = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: 1 << 24)]
            nghttp2_submit_settings(h2.client, 0, &settings, 1)
            h2.pump()
            let id = h2.request("GET", "/big?bytes=1000000")
            // Hand the request over, but take the answer in 16 KiB slices.
            var data: UnsafePointer<UInt8>?
            while case let count = nghttp2_session_mem_send(h2.client, &data), count > 0 {
                h2.server.receive(UnsafeRawBufferPointer(start: data, count: count))
            }
            let slice = h2.serverOutput(limit: 16384)
            #expect(slice.count >= 16384)
            #expect(slice.count < 16384 + 16384 + 9 + 4096)
            _ = slice.withUnsafeBufferPointer { nghttp2_session_mem_recv(h2.client, $0.baseAddress, $0.count) }
            h2.pump()
            #expect(h2.response(id).body == TestHandler.pattern(count: 1_000_000))
        }
    }

    @Test func gracefulShutdownSendsGoawayAndFinishesStreamsInFlight() {
        let h2 = H2TestClient(configuration: configuration())
        var slow: Int32 = 0
        h2.queue.sync {
            slow = h2.request("GET", "/delay?ms=30")
            h2.pump()
            h2.server.beginShutdown()
            h2.pump()
            #expect(h2.goawayCode == NGHTTP2_NO_ERROR.rawValue)
            #expect(!h2.server.isFinished)
        }
        #expect(h2.lateOutput.wait(timeout: .now() + 10) == .success)
        h2.queue.sync {
            h2.pump()
            #expect(h2.response(slow).status == 200)
            #expect(h2.server.isFinished)
        }
    }

    @Test func badPrefaceFailsTheSessionWithGoaway() {
        let h2 = H2TestClient(configuration: configuration(), sendPreface: false)
        h2.queue.sync {
            h2.sendRaw(Array("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0])
            #expect(h2.server.failed)
            let out = h2.serverOutput()
            // SETTINGS then GOAWAY (type 7) with PROTOCOL_ERROR (1).
            let goaway = out.indices.dropLast(9).first { out[$0 + 3] == 7 && out[$0 + 5...$0 + 8] == [0, 0, 0, 0] }
            let start = try! #require(goaway)
            #expect(out[start + 13...start + 16] == [0, 0, 0, 1])
            #expect(h2.server.isFinished)
        }
    }

    @Test func idleConnectionTimesOutButNotWhileTheHandlerWorks() {
        // Seconds, not milliseconds: under a sanitizer, making the session and pumping the
        // preface can take longer than a millisecond, which once timed it out at the first check.
        let h2 = H2TestClient(configuration: configuration(idleTimeout: 2_000_000_000, headerTimeout: 1_000_000_000))
        h2.queue.sync {
            h2.pump()
            #expect(!h2.server.checkTimeouts(now: monotonicNow() &+ 100_000))
            h2.request("GET", "/delay?ms=20")
            h2.pump()
            #expect(!h2.server.checkTimeouts(now: monotonicNow() &+ 10_000_000_000))
        }
        #expect(h2.lateOutput.wait(timeout: .now() + 10) == .success)
        h2.queue.sync {
            h2.pump()
            #expect(h2.server.checkTimeouts(now: monotonicNow() &+ 10_000_000_000))
            h2.pump()
            #expect(h2.goawayCode == NGHTTP2_NO_ERROR.rawValue)
            #expect(h2.server.isFinished)
        }
    }

    @Test func upgradedRequestIsAnsweredOnStreamOne() {
        let h2 = H2TestClient(configuration: configuration(), sendPreface: false)
        h2.queue.sync {
            // What a client puts in HTTP2-Settings (base64url-decoded): its SETTINGS payload.
            var entries = [nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: 100)]
            var payload = [UInt8](repeating: 0, count: 64)
            let length = nghttp2_pack_settings_payload(&payload, payload.count, &entries, 1)
            payload = Array(payload[0..<length])
            #expect(nghttp2_session_upgrade2(h2.client, payload, payload.count, 0, nil) == 0)
            let request = HTTPRequest(method: "GET", target: "/echo?upgraded", headers: HTTPHeaders([("Host", "mock.test")]))
            #expect(h2.server.upgrade(from: request, settingsPayload: payload))
            h2.pump()
            #expect(h2.response(1).status == 200)
            #expect(h2.response(1).header("x-target") == "/echo?upgraded")
            #expect(h2.response(1).header("x-version") == "2.0")
            #expect(!h2.server.upgrade(from: request, settingsPayload: [1, 2, 3]))
        }
    }
}
