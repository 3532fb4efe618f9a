// libFuzzer target for HTTPServer's request parser. Compiled into the HTTPServer
// module itself (Fuzz/run.sh), so it reaches the internal `HTTPRequestParser`.
//
// Oracle, beyond "no crash, no leak, no hang":
// - the events do not depend on how the input is split (whole, in two or three
//   pieces at input-derived points, and, for short inputs, byte by byte),
//   with the default limits and with tiny ones that make every limit reachable;
// - every error status is one the server documents;
// - no request body is larger than the limit.
#if canImport(Glibc)
import Glibc
#endif

private let tinyLimits = HTTPRequestParser.Limits(maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 6, maxBodyBytes: 100)
private let allowedStatuses: Set<Int> = [400, 413, 414, 417, 431, 501, 505]

private func describe(_ event: HTTPRequestParser.Event, limits: HTTPRequestParser.Limits) -> String {
    switch event {
    case .continueExpected:
        return "100-continue"
    case .error(let error):
        if !allowedStatuses.contains(error.status) { fatalError("unexpected protocol error status \(error.status)") }
        return "error \(error.status) \(error.message)"
    case .request(let request, let keepAlive):
        if request.body.count > limits.maxBodyBytes { fatalError("body of \(request.body.count) bytes passed the limit \(limits.maxBodyBytes)") }
        if request.method.isEmpty { fatalError("empty method") }
        // Absolute-form arrives reduced to origin-form; "*" only with OPTIONS, anything else only with CONNECT.
        if !request.target.hasPrefix("/"), !(request.target == "*" && request.method == "OPTIONS"), request.method != "CONNECT" {
            fatalError("target not in origin-form: \(request.method) \(request.target)")
        }
        let headers = request.headers.fields.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
        return "\(request.method) \(request.target) \(request.version.major).\(request.version.minor) [\(headers)] \(request.body) \(keepAlive)"
    }
}

private func run(_ bytes: UnsafeRawBufferPointer, cuts: [Int], limits: HTTPRequestParser.Limits) -> [String] {
    var parser = HTTPRequestParser(limits: limits, remoteAddress: "fuzz")
    var events: [HTTPRequestParser.Event] = []
    var start = 0
    for cut in cuts + [bytes.count] where cut > start && cut <= bytes.count {
        parser.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<cut]), into: &events)
        start = cut
    }
    if parser.phase == .finished, let last = events.last {
        // After an error or a closing request nothing more may come out.
        var more: [HTTPRequestParser.Event] = []
        parser.feed(UnsafeRawBufferPointer(rebasing: bytes[0..<min(1, bytes.count)]), into: &more)
        if !more.isEmpty { fatalError("events after the parser finished: \(last)") }
    }
    return events.map { describe($0, limits: limits) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // Cut points derived from the input, so a crash reproduces from the file alone.
    let a = Int(data[0]) * size / 256
    let b = Int(data[size - 1]) * size / 256
    let cuts = [min(a, b), max(a, b)]
    for limits in [HTTPRequestParser.Limits(), tinyLimits] {
        let whole = run(bytes, cuts: [], limits: limits)
        let split2 = run(bytes, cuts: [a], limits: limits)
        let split3 = run(bytes, cuts: cuts, limits: limits)
        if split2 != whole || split3 != whole {
            fatalError("split-dependent result at \(cuts):\n whole: \(whole)\n split2: \(split2)\n split3: \(split3)")
        }
        if size <= 512 {
            let single = run(bytes, cuts: Array(1..<size), limits: limits)
            if single != whole { fatalError("byte-by-byte differs:\n whole: \(whole)\n single: \(single)") }
        }
    }
    return 0
}
