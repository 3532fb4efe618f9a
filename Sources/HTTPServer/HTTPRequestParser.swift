import ASCIIBytes
#if canImport(Glibc)
import Glibc
#endif

/// An incremental HTTP/1.x request parser (RFC 9112).
///
/// Feed it whatever bytes arrived; it returns what they completed. Results do not
/// depend on how the input was split: fed whole, byte by byte or in any pieces, the
/// same bytes give the same events. It only keeps the unfinished line between
/// calls (bodies go straight into the request), scans each byte for a line end
/// once, and stops for good after an error or after a request that ends the
/// connection.
struct HTTPRequestParser {
    /// Size limits; exceeding one ends in the matching protocol error.
    struct Limits: Sendable {
        /// Longest request line (without its CRLF or LF): longer → 414.
        var maxRequestLineBytes: Int
        /// Largest header section, every field line with its line ending, the
        /// closing empty line and any chunked trailer section: larger → 431.
        var maxHeaderBytes: Int
        /// Most field lines (trailer fields included): more → 431.
        var maxHeaderCount: Int
        /// Largest body: larger → 413, decided from Content-Length or each chunk size
        /// before the bytes are read.
        var maxBodyBytes: Int

        init(maxRequestLineBytes: Int = 8192, maxHeaderBytes: Int = 65536, maxHeaderCount: Int = 100, maxBodyBytes: Int = 1 << 20) {
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
        }

        init(_ configuration: HTTPServerConfiguration) {
            self.init(
                maxRequestLineBytes: configuration.maxRequestLineBytes,
                maxHeaderBytes: configuration.maxHeaderBytes,
                maxHeaderCount: configuration.maxHeaderCount,
                maxBodyBytes: configuration.maxBodyBytes
            )
        }
    }

    /// What a feed produced, in input order.
    enum Event {
        /// A valid HTTP/1.1 head with `Expect: 100-continue` and a body: send
        /// `100 Continue` now, before the body is read (RFC 9110 §10.1.1).
        case continueExpected
        /// A complete request. `keepAlive` is false when the connection ends after it
        /// (the parser then ignores further input).
        case request(HTTPRequest, keepAlive: Bool)
        /// The input is not acceptable; answer `error.status` and close.
        case error(HTTPProtocolError)
    }

    /// Where the parser is, for timeouts.
    enum Phase: Equatable {
        /// Between requests: no byte of the next one yet.
        case idle
        /// Inside a request line or header section.
        case head
        /// Reading a body (after its head was accepted).
        case body
        /// After an error or the last request of the connection; input is ignored.
        case finished
    }

    private enum State {
        case requestLine
        case headerLines
        case fixedBody(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerLines
        case finished
    }

    /// Longest chunk-size line (size plus extensions) accepted.
    static let maxChunkLineBytes = 4096

    let limits: Limits
    /// Copied into every request, for the handler's logs.
    var remoteAddress: String

    private var state: State = .requestLine
    /// Unconsumed input: only ever an unfinished line (or a CR awaiting its LF).
    private var buffer: [UInt8] = []
    /// How many bytes at the start of `buffer` are known to hold no LF.
    private var scanned = 0
    /// The request being assembled: everything learnt from its head so far. One value,
    /// so starting the next request is one assignment.
    private var request = PendingRequest()

    /// Set when an HTTP/2 session can take over: a request with `Upgrade: h2c` is then
    /// the last one parsed (`keepAlive` false), and the bytes after it are kept in
    /// `bytesAfterUpgrade` for the new protocol instead of being parsed as HTTP/1.1.
    var stopsAtH2CUpgrade = false
    /// What arrived after a request that stopped the parser for an upgrade.
    private(set) var bytesAfterUpgrade: [UInt8] = []
    /// The last request emitted asked for `Upgrade: h2c` and the parser stopped after it.
    private(set) var stoppedForUpgrade = false

    init(limits: Limits = Limits(), remoteAddress: String = "") {
        self.limits = limits
        self.remoteAddress = remoteAddress
    }

    var phase: Phase {
        switch state {
        case .requestLine: return request.started ? .head : .idle
        case .headerLines: return .head
        case .fixedBody, .chunkSizeLine, .chunkData, .chunkDataEnd, .trailerLines: return .body
        case .finished: return .finished
        }
    }

    /// Parses `input`, appending whatever it completes to `events`.
    mutating func feed(_ input: UnsafeRawBufferPointer, into events: inout [Event]) {
        guard !input.isEmpty else { return }
        if case .finished = state { return }
        if buffer.isEmpty {
            // Fast path: parse straight from the caller's buffer, keep only the tail.
            let bytes = input.bindMemory(to: UInt8.self)
            let consumed = parse(bytes, into: &events)
            if consumed < bytes.count, !isFinished {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[consumed...]))
            }
        } else {
            buffer.append(contentsOf: input)
            var pending: [UInt8] = []
            swap(&pending, &buffer)
            let consumed = pending.withUnsafeBufferPointer { parse($0, into: &events) }
            swap(&pending, &buffer)
            if isFinished || consumed == buffer.count {
                buffer.removeAll(keepingCapacity: true)
            } else if consumed > 0 {
                buffer.removeSubrange(0..<consumed)
            }
        }
        if isFinished {
            buffer = []
            scanned = 0
        }
    }

    /// Convenience for tests and small inputs.
    mutating func feed(_ bytes: [UInt8]) -> [Event] {
        var events: [Event] = []
        bytes.withUnsafeBytes { feed($0, into: &events) }
        return events
    }

    private var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    // MARK: - The state machine

    /// Parses from the start of `p` (the first unconsumed byte); returns how many
    /// bytes were consumed. Unconsumed bytes are part of an unfinished line.
    private mutating func parse(_ p: UnsafeBufferPointer<UInt8>, into events: inout [Event]) -> Int {
        var pos = 0
        // Bytes of the unfinished line at `pos` already searched for LF in an earlier call.
        var skip = scanned
        scanned = 0

        while pos < p.count {
            switch state {
            case .requestLine:
                request.started = true
                guard let lf = findLF(p, from: pos + skip) else {
                    // RFC 9112 §3: a server that receives a request-target longer than it
                    // wishes to parse MUST respond with 414; decided as soon as the line
                    // is known to be too long, not when it ends.
                    // (+1: the last byte may be the CR of a CRLF still missing its LF.)
                    if p.count - pos > limits.maxRequestLineBytes + 1 { return fail(.requestLineTooLong, &events, p) }
                    return wait(pos, p)
                }
                skip = 0
                let end = lineEnd(p, pos, lf)
                if end - pos > limits.maxRequestLineBytes { return fail(.requestLineTooLong, &events, p) }
                // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received
                // before the request-line.
                if end == pos {
                    pos = lf + 1
                    continue
                }
                if let error = parseRequestLine(p, pos, end) { return fail(error, &events, p) }
                pos = lf + 1
                state = .headerLines

            case .headerLines, .trailerLines:
                guard let lf = findLF(p, from: pos + skip) else {
                    if request.headerBytes + (p.count - pos) > limits.maxHeaderBytes { return fail(.headerSectionTooLarge, &events, p) }
                    return wait(pos, p)
                }
                skip = 0
                request.headerBytes += lf + 1 - pos
                if request.headerBytes > limits.maxHeaderBytes { return fail(.headerSectionTooLarge, &events, p) }
                let start = pos
                let end = lineEnd(p, start, lf)
                let inTrailers: Bool
                if case .trailerLines = state { inTrailers = true } else { inTrailers = false }
                pos = lf + 1
                if end == start {
                    // Empty line: the end of the header section (RFC 9112 §2.1) or of the
                    // trailer section (§7.1.2).
                    if inTrailers {
                        emitRequest(&events)
                    } else if let error = finishHead(&events) {
                        return fail(error, &events, p)
                    }
                    continue
                }
                if let error = parseFieldLine(p, start, end, isTrailer: inTrailers) {
                    return fail(error, &events, p)
                }

            case .fixedBody(let remaining):
                let count = min(remaining, p.count - pos)
                request.body.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<(pos + count)]))
                pos += count
                if remaining == count {
                    emitRequest(&events)
                } else {
                    state = .fixedBody(remaining: remaining - count)
                }

            case .chunkSizeLine:
                guard let lf = findLF(p, from: pos + skip) else {
                    if p.count - pos > HTTPRequestParser.maxChunkLineBytes + 1 { return fail(.malformedChunkedBody, &events, p) }
                    return wait(pos, p)
                }
                skip = 0
                let end = lineEnd(p, pos, lf)
                if end - pos > HTTPRequestParser.maxChunkLineBytes { return fail(.malformedChunkedBody, &events, p) }
                switch parseChunkSize(p, pos, end) {
                case .failure(let error):
                    return fail(error, &events, p)
                case .success(0):
                    // RFC 9112 §7.1: last-chunk, then the trailer section (§7.1.2).
                    state = .trailerLines
                case .success(let size):
                    state = .chunkData(remaining: size)
                }
                pos = lf + 1

            case .chunkData(let remaining):
                let count = min(remaining, p.count - pos)
                request.body.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<(pos + count)]))
                pos += count
                state = remaining == count ? .chunkDataEnd : .chunkData(remaining: remaining - count)

            case .chunkDataEnd:
                skip = 0
                // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                // (a bare LF is tolerated as everywhere else, §2.2).
                if p[pos] == HTTPGrammar.lf {
                    pos += 1
                } else if p[pos] == HTTPGrammar.cr {
                    guard pos + 1 < p.count else { return pos }
                    guard p[pos + 1] == HTTPGrammar.lf else { return fail(.malformedChunkedBody, &events, p) }
                    pos += 2
                } else {
                    return fail(.malformedChunkedBody, &events, p)
                }
                state = .chunkSizeLine

            case .finished:
                if stoppedForUpgrade { bytesAfterUpgrade.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos...])) }
                return p.count
            }
        }
        return pos
    }

    /// Records that `p[pos...]` is an unfinished line already searched for LF.
    @inline(__always)
    private mutating func wait(_ pos: Int, _ p: UnsafeBufferPointer<UInt8>) -> Int {
        scanned = p.count - pos
        return pos
    }

    private mutating func fail(_ error: HTTPProtocolError, _ events: inout [Event], _ p: UnsafeBufferPointer<UInt8>) -> Int {
        events.append(.error(error))
        state = .finished
        resetRequest()
        return p.count
    }

    @inline(__always)
    private func findLF(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < p.count, let base = p.baseAddress else { return nil }
        guard let hit = memchr(base + start, Int32(HTTPGrammar.lf), p.count - start) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// The end of the line's content: before the CR of CRLF, or before a bare LF
    /// (RFC 9112 §2.2: a recipient MAY accept a single LF as a line terminator).
    @inline(__always)
    private func lineEnd(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ lf: Int) -> Int {
        (lf > start && p[lf - 1] == HTTPGrammar.cr) ? lf - 1 : lf
    }
}

// MARK: - Request line, fields, framing

extension HTTPRequestParser {
    /// RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
    /// Returns the error to answer, or nil once method, target and version are stored.
    fileprivate mutating func parseRequestLine(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> HTTPProtocolError? {
        // §3.1: method = token (case-sensitive), followed by exactly one SP.
        var i = start
        while i < end, HTTPGrammar.isTokenChar(p[i]) { i += 1 }
        guard i > start, i < end, p[i] == HTTPGrammar.space else { return .malformedRequestLine }
        let methodEnd = i
        i += 1
        // §3.2: request-target, no whitespace or controls inside; RFC 3986 targets are
        // ASCII, so obs-text is not accepted either. Again exactly one SP after it.
        let targetStart = i
        while i < end, p[i] > HTTPGrammar.space, p[i] < 0x7F { i += 1 }
        guard i > targetStart, i < end, p[i] == HTTPGrammar.space else { return .malformedRequestLine }
        let targetEnd = i
        i += 1
        // §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive. Any other
        // well-formed major.minor we do not speak is 505 (RFC 9110 §15.6.6).
        guard end - i == 8,
              p[i] == UInt8(ascii: "H"), p[i + 1] == UInt8(ascii: "T"), p[i + 2] == UInt8(ascii: "T"),
              p[i + 3] == UInt8(ascii: "P"), p[i + 4] == UInt8(ascii: "/"),
              ASCII.isDigit(p[i + 5]), p[i + 6] == UInt8(ascii: "."), ASCII.isDigit(p[i + 7])
        else { return .malformedRequestLine }
        let major = Int(p[i + 5] - 48), minor = Int(p[i + 7] - 48)
        guard major == 1, minor <= 1 else { return .unsupportedVersion }
        request.method = makeString(p, start, methodEnd)
        guard let originStart = originFormStart(p, targetStart, targetEnd, methodStart: start, methodEnd: methodEnd) else {
            return .malformedRequestLine
        }
        if originStart == targetStart || (originStart < targetEnd && p[originStart] == UInt8(ascii: "/")) {
            request.target = makeString(p, originStart, targetEnd)
        } else {
            // Absolute-form without a path ("http://host" or "http://host?q"): the path is "/".
            request.target = "/" + makeString(p, originStart, targetEnd)
        }
        request.version = minor == 1 ? .http11 : .http10
        // About what a browser's header section holds, so the fields go in without regrowing.
        request.headers.reserveCapacity(512)
        return nil
    }

    /// RFC 9112 §3.2: which of the four request-target forms `p[start..<end]` is, and
    /// where the part the handler sees starts. Origin-form (`/path?query`) is kept
    /// whole; asterisk-form (`*`, OPTIONS only, §3.2.4) and authority-form (CONNECT
    /// only, §3.2.3) are kept as sent. Absolute-form (§3.2.2: a server MUST accept it)
    /// with an `http` or `https` URI is reduced to its path and query, the form every
    /// handler routes on; its authority replaces Host, which the server never routes
    /// on anyway. Returns nil for anything else (400): a target of no form, another
    /// scheme, an empty host or userinfo (RFC 9110 §4.2.1, §4.2.4).
    fileprivate func originFormStart(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, methodStart: Int, methodEnd: Int) -> Int? {
        let first = p[start]
        if first == UInt8(ascii: "/") { return start }
        let methodBytes = UnsafeBufferPointer(rebasing: p[methodStart..<methodEnd])
        if end - start == 1, first == UInt8(ascii: "*") {
            return methodBytes.elementsEqual("OPTIONS".utf8) ? start : nil
        }
        if methodBytes.elementsEqual("CONNECT".utf8) { return start }
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://" (hier-part with an authority).
        var i = start
        while i < end, p[i] != HTTPGrammar.colon { i += 1 }
        let scheme = UnsafeBufferPointer(rebasing: p[start..<i])
        guard HTTPGrammar.equalsIgnoringCase(scheme, "http") || HTTPGrammar.equalsIgnoringCase(scheme, "https") else { return nil }
        guard end - i >= 3, p[i + 1] == UInt8(ascii: "/"), p[i + 2] == UInt8(ascii: "/") else { return nil }
        i += 3
        let authorityStart = i
        while i < end, p[i] != UInt8(ascii: "/"), p[i] != UInt8(ascii: "?") {
            if p[i] == UInt8(ascii: "@") { return nil }
            i += 1
        }
        // host = the authority without ":port"; it must not be empty.
        guard i > authorityStart, p[authorityStart] != HTTPGrammar.colon else { return nil }
        return i
    }

    /// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS.
    fileprivate mutating func parseFieldLine(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, isTrailer: Bool) -> HTTPProtocolError? {
        // §5.2: obs-fold (a line starting with SP/HTAB) is rejected with 400; so is
        // whitespace between the start-line and the first field (§2.2).
        if HTTPGrammar.isOWS(p[start]) { return .obsoleteLineFolding }
        request.headerCount += 1
        if request.headerCount > limits.maxHeaderCount { return .tooManyHeaderFields }
        // §5.1: field-name = token; no whitespace is allowed between it and the colon
        // (a server MUST reject such a message with 400).
        var colon = start
        while colon < end, HTTPGrammar.isTokenChar(p[colon]) { colon += 1 }
        guard colon > start, colon < end, p[colon] == HTTPGrammar.colon else { return .malformedHeaderField }
        // §5.1: leading and trailing OWS are not part of the value.
        var valueStart = colon + 1, valueEnd = end
        while valueStart < valueEnd, HTTPGrammar.isOWS(p[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, HTTPGrammar.isOWS(p[valueEnd - 1]) { valueEnd -= 1 }
        // RFC 9110 §5.5: NUL, CR, LF and other CTLs (HTAB aside) make the message invalid.
        if HTTPGrammar.firstForbiddenInFieldValue(p, valueStart, valueEnd) != nil { return .invalidFieldValue }
        // Trailer fields are checked for syntax and limits, then dropped: none of them
        // may change framing or routing (RFC 9110 §6.5.1).
        if isTrailer { return nil }

        let name = UnsafeBufferPointer(rebasing: p[start..<colon])
        let value = UnsafeBufferPointer(rebasing: p[valueStart..<valueEnd])
        switch name.count {
        case 4 where HTTPGrammar.equalsIgnoringCase(name, "host"):
            request.hostCount += 1
        case 6 where HTTPGrammar.equalsIgnoringCase(name, "expect"):
            // RFC 9110 §10.1.1: 100-continue is the only expectation defined; any other
            // may be answered with 417.
            HTTPGrammar.forEachListElement(value) { element in
                guard !element.isEmpty else { return }
                if HTTPGrammar.equalsIgnoringCase(element, "100-continue") { request.expectContinue = true } else { request.expectUnknown = true }
            }
        case 7 where stopsAtH2CUpgrade && HTTPGrammar.equalsIgnoringCase(name, "upgrade"):
            // RFC 9113 §3.1 / RFC 7540 §3.2: "h2c" names HTTP/2 over cleartext TCP.
            HTTPGrammar.forEachListElement(value) { element in
                if HTTPGrammar.equalsIgnoringCase(element, "h2c") { request.upgradeH2C = true }
            }
        case 10 where HTTPGrammar.equalsIgnoringCase(name, "connection"):
            // RFC 9112 §9.3 and §9.6: "close" ends the connection after this exchange;
            // HTTP/1.0 keeps it only with "keep-alive" (§9.3, Appendix C.2.2).
            HTTPGrammar.forEachListElement(value) { element in
                if HTTPGrammar.equalsIgnoringCase(element, "close") { request.connectionClose = true }
                if HTTPGrammar.equalsIgnoringCase(element, "keep-alive") { request.connectionKeepAlive = true }
            }
        case 14 where HTTPGrammar.equalsIgnoringCase(name, "content-length"):
            if let error = parseContentLength(value) { return error }
        case 17 where HTTPGrammar.equalsIgnoringCase(name, "transfer-encoding"):
            // RFC 9112 §6.1: Transfer-Encoding is a list of codings, applied in order.
            request.transferEncodingSeen = true
            HTTPGrammar.forEachListElement(value) { element in
                guard !element.isEmpty else { return }
                if HTTPGrammar.equalsIgnoringCase(element, "chunked") { request.chunkedCount += 1 } else { request.unknownCodingSeen = true }
            }
        default:
            break
        }
        request.headers.add(name: name, value: value)
        return nil
    }

    /// RFC 9110 §8.6: Content-Length = 1*DIGIT. A list of identical values (or repeated
    /// identical fields) may be accepted as one; differing values are an error, and so
    /// are signs, spaces inside, non-digits and values that overflow: RFC 9112 §6.3 (5),
    /// an invalid Content-Length in a request is answered 400 and the connection closed.
    fileprivate mutating func parseContentLength(_ value: UnsafeBufferPointer<UInt8>) -> HTTPProtocolError? {
        var error: HTTPProtocolError?
        var sawElement = false
        HTTPGrammar.forEachListElement(value) { element in
            guard error == nil else { return }
            sawElement = true
            guard !element.isEmpty else {
                error = .invalidContentLength
                return
            }
            var length = 0
            for byte in element {
                guard ASCII.isDigit(byte) else {
                    error = .invalidContentLength
                    return
                }
                let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 48))
                guard !overflow1, !overflow2 else {
                    error = .invalidContentLength
                    return
                }
                length = sum
            }
            if let existing = request.contentLength, existing != length {
                error = .conflictingContentLength
                return
            }
            request.contentLength = length
        }
        if !sawElement { return .invalidContentLength }
        return error
    }

    /// The header section is complete: check it as a whole and decide the framing.
    fileprivate mutating func finishHead(_ events: inout [Event]) -> HTTPProtocolError? {
        // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without Host,
        // and to any request with more than one Host field.
        if request.hostCount > 1 { return .multipleHost }
        if request.hostCount == 0, request.version == .http11 { return .missingHost }

        var chunked = false
        if request.transferEncodingSeen {
            // RFC 9112 §6.1: Transfer-Encoding with Content-Length may be a smuggling
            // attempt; reject it (400) and close the connection.
            if request.contentLength != nil { return .transferEncodingWithContentLength }
            // §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
            if request.version == .http10 { return .transferEncodingInHTTP10 }
            // §6.1: a transfer coding the server does not understand → 501. Chunked is
            // the only one we decode, so it must be the whole list.
            if request.unknownCodingSeen { return .unsupportedTransferEncoding }
            // §6.1: chunked MUST NOT be applied more than once; an empty list says nothing.
            if request.chunkedCount != 1 { return .invalidTransferEncoding }
            chunked = true
        }
        // RFC 9110 §10.1.1: an expectation we cannot meet → 417.
        if request.expectUnknown { return .unsupportedExpectation }
        // RFC 9110 §15.5.14: 413 when the declared body is larger than we accept,
        // decided now, before any body byte is read and before 100 Continue.
        let length = request.contentLength ?? 0
        if length > limits.maxBodyBytes { return .bodyTooLarge }

        // RFC 9110 §10.1.1: a server MUST ignore 100-continue in HTTP/1.0; with a body
        // coming, the 100 goes out now that the head is known to be acceptable.
        let hasBody = chunked || length > 0
        if hasBody, request.expectContinue, request.version == .http11 { events.append(.continueExpected) }

        if chunked {
            // RFC 9112 §6.3 (4): chunked is the final coding, so the body is read until
            // the last chunk.
            state = .chunkSizeLine
        } else if length > 0 {
            // §6.3 (6): a valid Content-Length gives the body length.
            request.body.reserveCapacity(length)
            state = .fixedBody(remaining: length)
        } else {
            // §6.3 (7): no Content-Length and no Transfer-Encoding in a request: no body.
            emitRequest(&events)
        }
        return nil
    }

    /// RFC 9112 §7.1: chunk-size = 1*HEXDIG, then chunk-ext = *( BWS ";" BWS
    /// chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ). Extensions are accepted and
    /// ignored (§7.1.1); only control characters in them are refused.
    fileprivate func parseChunkSize(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Result<Int, HTTPProtocolError> {
        var i = start
        var size = 0
        while i < end, let digit = ASCII.hexValue(p[i]) {
            // §7.1: recipients MUST anticipate large hex numbers and guard against overflow.
            guard size <= (Int.max >> 4) else { return .failure(.malformedChunkedBody) }
            size = size << 4 | Int(digit)
            i += 1
        }
        guard i > start else { return .failure(.malformedChunkedBody) }
        while i < end, HTTPGrammar.isOWS(p[i]) { i += 1 }
        if i < end {
            guard p[i] == HTTPGrammar.semicolon else { return .failure(.malformedChunkedBody) }
            while i < end {
                if HTTPGrammar.isForbiddenInFieldValue(p[i]) { return .failure(.malformedChunkedBody) }
                i += 1
            }
        }
        // Decided from the chunk size, before its data is read.
        if size > limits.maxBodyBytes - request.body.count { return .failure(.bodyTooLarge) }
        return .success(size)
    }

    fileprivate mutating func emitRequest(_ events: inout [Event]) {
        // RFC 9112 §9.3: HTTP/1.1 persists unless "close"; HTTP/1.0 only with "keep-alive".
        var keepAlive = request.version == .http11 ? !request.connectionClose : (request.connectionKeepAlive && !request.connectionClose)
        if request.upgradeH2C {
            // The next bytes belong to HTTP/2 if the upgrade is taken; if it is not, the
            // connection ends after the answer, since they were not parsed.
            stoppedForUpgrade = true
            keepAlive = false
        }
        // Moved out, not copied: a copy retains and releases each of its buffers once more.
        var finished = PendingRequest()
        swap(&finished, &request)
        let request = HTTPRequest(
            method: finished.method,
            target: finished.target,
            version: finished.version,
            headers: finished.headers,
            body: finished.body,
            remoteAddress: remoteAddress
        )
        events.append(.request(request, keepAlive: keepAlive))
        // §9.6: after a request that closes the connection, nothing more is read.
        state = keepAlive ? .requestLine : .finished
    }

    fileprivate mutating func resetRequest() {
        request = PendingRequest()
    }

    @inline(__always)
    fileprivate func makeString(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self)
    }
}

/// What the parser has learnt about the request being assembled.
private struct PendingRequest {
    /// Some byte of it (even a tolerated empty line) has arrived.
    var started = false
    var method = ""
    var target = ""
    var version = HTTPVersion.http11
    var headers = HTTPHeaders()
    var headerBytes = 0
    var headerCount = 0
    var hostCount = 0
    var contentLength: Int?
    var transferEncodingSeen = false
    var chunkedCount = 0
    var unknownCodingSeen = false
    var connectionClose = false
    var connectionKeepAlive = false
    var expectContinue = false
    var expectUnknown = false
    var upgradeH2C = false
    var body: [UInt8] = []
}
