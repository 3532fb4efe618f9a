// libFuzzer target for HTTPServer's HTTP/2 glue (HTTP2Session over libnghttp2). Compiled
// into the HTTPServer module itself (Fuzz/run.sh), so it reaches the internal session.
//
// The input is what a client sends after the connection preface (the harness sends the
// preface first, so the fuzzer spends its time on frames); an odd first byte starts the
// session through an h2c Upgrade instead, its next bytes taken as the HTTP2-Settings payload.
// Oracle, beyond "no crash, no leak, no hang":
// - the session's output is whole frames of the types a server sends, starting with its
//   SETTINGS, none over 16384 bytes (nghttp2 never sends more than the default maximum);
// - every response status is one the handler or the session's limits give;
// - a session that failed says so with GOAWAY and then wants nothing more.
#if canImport(Glibc)
import Glibc
#endif

import Dispatch

private struct FuzzHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) -> HTTPHandling {
        if request.version != .http2 { fatalError("request not marked HTTP/2") }
        switch request.path {
        case "/reset": return .reply(.resetConnection)
        case "/none": return .reply(.response(HTTPResponse(status: 204)))
        case "/later": return .later { reply in reply(.response(HTTPResponse(status: 202))) }
        default:
            return .reply(.response(HTTPResponse(status: 200, headers: [("X-Target", request.target), ("Connection", "close")],
                                                 body: request.body + Array(repeating: 0x61, count: request.body.count % 40_000))))
        }
    }
}

private func configuration(tiny: Bool) -> HTTP2Session.Configuration {
    HTTP2Session.Configuration(
        handler: FuzzHandler(),
        errorResponder: { HTTPResponse(status: $0.status, body: Array($0.message.utf8)) },
        maxHeaderCount: tiny ? 4 : 100, maxHeaderBytes: tiny ? 256 : 65536, maxBodyBytes: tiny ? 100 : 1 << 20,
        idleTimeout: 60_000_000_000, headerTimeout: 10_000_000_000)
}

/// Frame types the session may send (RFC 9113 §6): no PUSH_PROMISE, no CONTINUATION
/// without HEADERS before it, nothing unknown.
private let serverFrameTypes: Set<UInt8> = [0, 1, 3, 4, 6, 7, 8, 9]

private func checkFrames(_ out: [UInt8], first: Bool) {
    var offset = 0
    var sawFirst = !first
    while offset < out.count {
        guard out.count - offset >= 9 else { fatalError("partial frame header at \(offset) of \(out.count)") }
        let length = Int(out[offset]) << 16 | Int(out[offset + 1]) << 8 | Int(out[offset + 2])
        let type = out[offset + 3]
        if !sawFirst {
            if type != 4 { fatalError("first frame is type \(type), not SETTINGS") }
            sawFirst = true
        }
        if !serverFrameTypes.contains(type) { fatalError("server sent frame type \(type)") }
        if length > 16_384 && type != 0 { fatalError("frame of \(length) bytes") }
        offset += 9 + length
    }
    if offset != out.count { fatalError("output ends inside a frame") }
}

private func run(_ bytes: UnsafeRawBufferPointer, tiny: Bool) {
    guard let session = HTTP2Session(configuration: configuration(tiny: tiny), remoteAddress: "fuzz", schedule: { _ in
        fatalError("a synchronous handler never needs the hop")
    }) else { return }
    var input = bytes
    if let first = bytes.first, first & 1 == 1 {
        let length = min(bytes.count - 1, Int(first >> 1) % 37)
        let payload = Array(bytes[1..<(1 + length)])
        let request = HTTPRequest(method: "GET", target: "/upgraded", headers: HTTPHeaders([("Host", "fuzz")]))
        _ = session.upgrade(from: request, settingsPayload: payload)
        input = UnsafeRawBufferPointer(rebasing: bytes[(1 + length)...])
    }
    Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8).withUnsafeBytes { session.receive($0) }
    var out: [UInt8] = []
    var firstOutput = true
    // Fed in pieces of varying size, draining output in between, as a socket would.
    var offset = 0
    var step = 1
    while offset < input.count {
        let end = min(input.count, offset + step)
        session.receive(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
        offset = end
        step = step * 3 % 4093 + 1
        out.removeAll(keepingCapacity: true)
        session.produceOutput(into: &out, limit: 1 << 20)
        if !out.isEmpty {
            checkFrames(out, first: firstOutput)
            firstOutput = false
        }
    }
    session.beginShutdown()
    out.removeAll(keepingCapacity: true)
    session.produceOutput(into: &out, limit: 1 << 22)
    if !out.isEmpty { checkFrames(out, first: firstOutput) }
    if session.failed && session.wantsInput { fatalError("a failed session still wants input") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP2Session(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    run(bytes, tiny: false)
    run(bytes, tiny: true)
    return 0
}
