import ASCIIBytes
/// The byte-level engine behind `JSONReader` and `JSONValueReader`: one pass over a
/// contiguous buffer, no recursion, typed throws (no error boxing).
struct JSONParser {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    let maxDepth: Int
    private var i = 0
    /// Reused buffer for strings that contain escapes.
    private var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        self.base = base
        self.end = count
        self.maxDepth = maxDepth
    }

    /// An open container: where its children start on the shared stacks.
    private struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    // MARK: - Document

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        try refuseByteOrderMark()
        let value = try parseValue(maxDepth: maxDepth)
        try expectDocumentEnd()
        return value
    }

    func refuseByteOrderMark() throws(JSONParseError) {
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF {
            throw JSONParseError(offset: 0, reason: .byteOrderMarkNotAllowed)
        }
    }

    /// Only whitespace may follow the document's value.
    mutating func expectDocumentEnd() throws(JSONParseError) {
        skipWhitespace()
        if i < end { throw unexpected(.trailingCharacters) }
    }

    /// One value from `i` (whitespace before it skipped), ending just past it; at most
    /// `maxDepth` containers deep. `afterComma` names a `]` or `}` here a trailing comma.
    mutating func parseValue(maxDepth: Int, afterComma startsAfterComma: Bool = false) throws(JSONParseError) -> JSONValue {
        var frames: [Frame] = []
        var values: [JSONValue] = []  // children of all open containers, innermost last
        var keys: [String] = []  // keys of all open objects' children
        skipWhitespace()
        if i < end, base[i] == UInt8(ascii: "{") || base[i] == UInt8(ascii: "[") {
            // Room for a typical API body, so the stacks rarely regrow.
            frames.reserveCapacity(8)
            values.reserveCapacity(16)
            keys.reserveCapacity(16)
        }
        var afterComma = startsAfterComma

        nextValue: while true {
            skipWhitespace()
            guard i < end else { throw eof() }
            var value: JSONValue
            switch base[i] {
            case UInt8(ascii: "\""):
                value = .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = .number(try parseNumber())
            case UInt8(ascii: "{"):
                if try openContainer(closedBy: UInt8(ascii: "}"), depthLeft: maxDepth - frames.count) {
                    value = .object(JSONObject())
                } else {
                    frames.append(Frame(isObject: true, valueStart: values.count, keyStart: keys.count))
                    keys.append(try parseKey(afterComma: false))
                    afterComma = false
                    continue nextValue
                }
            case UInt8(ascii: "["):
                if try openContainer(closedBy: UInt8(ascii: "]"), depthLeft: maxDepth - frames.count) {
                    value = .array([])
                } else {
                    frames.append(Frame(isObject: false, valueStart: values.count, keyStart: 0))
                    afterComma = false
                    continue nextValue
                }
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                throw unexpected(afterComma ? .trailingComma : .unexpectedCharacter)
            default:
                throw unexpected(.unexpectedCharacter)
            }

            // `value` is complete: hand it to its container, closing containers as they end.
            while true {
                guard let top = frames.last else { return value }
                values.append(value)
                if try continueContainer(closedBy: top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    afterComma = true
                    if top.isObject {
                        skipWhitespace()
                        keys.append(try parseKey(afterComma: true))
                    }
                    continue nextValue
                }
                if top.isObject {
                    var members: [(key: String, value: JSONValue)] = []
                    members.reserveCapacity(values.count - top.valueStart)
                    for (k, v) in zip(keys[top.keyStart...], values[top.valueStart...]) {
                        members.append((key: k, value: v))
                    }
                    keys.removeSubrange(top.keyStart...)
                    values.removeSubrange(top.valueStart...)
                    value = .object(JSONObject(members))
                } else {
                    value = .array(Array(values[top.valueStart...]))
                    values.removeSubrange(top.valueStart...)
                }
                frames.removeLast()
            }
        }
    }

    // MARK: - Tokens

    /// The byte at the reading position; nil at the end.
    var current: UInt8? { i < end ? base[i] : nil }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < end {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private func eof() -> JSONParseError { JSONParseError(offset: end, reason: .unexpectedEndOfInput) }

    /// An error at `i`, reported as "invalid UTF-8" when the byte there starts
    /// an invalid sequence (so a stray 0xFF is never called a mere "unexpected character").
    private func unexpected(_ reason: JSONParseError.Reason) -> JSONParseError {
        if base[i] >= 0x80, utf8SequenceLength(at: i) == nil {
            return JSONParseError(offset: i, reason: .invalidUTF8)
        }
        return JSONParseError(offset: i, reason: reason)
    }

    /// Moves past the `[` or `{` at `i` and the whitespace after it; true, and past `close`
    /// too, when the container is empty. `depthLeft` counts the containers that may still open.
    mutating func openContainer(closedBy close: UInt8, depthLeft: Int) throws(JSONParseError) -> Bool {
        guard depthLeft > 0 else { throw JSONParseError(offset: i, reason: .nestingTooDeep) }
        i += 1
        skipWhitespace()
        guard i < end, base[i] == close else { return false }
        i += 1
        return true
    }

    /// After a child of a container: true past a `,` (another child follows), false past `close`.
    mutating func continueContainer(closedBy close: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard i < end else { throw eof() }
        if base[i] == UInt8(ascii: ",") {
            i += 1
            return true
        }
        guard base[i] == close else {
            throw unexpected(close == UInt8(ascii: "]") ? .expectedCommaOrBracket : .expectedCommaOrBrace)
        }
        i += 1
        return false
    }

    /// Where a token's bytes are: in the input, or, for a string with escapes, decoded in
    /// `scratch` (until the next string with escapes).
    enum TokenBytes {
        case inInput(start: Int, count: Int)
        case inScratch
    }

    /// Calls `body` with the bytes of a token just read.
    func withBytes<R>(of token: TokenBytes, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch token {
        case .inInput(let start, let count): return body(inputBytes(start: start, count: count))
        case .inScratch: return scratch.withUnsafeBytes(body)
        }
    }

    /// Bytes of the input, valid as long as the input is.
    func inputBytes(start: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: count)
    }

    /// Reads `"key"` and the `:` after it; `i` is at the opening quote (whitespace skipped).
    private mutating func parseKey(afterComma: Bool) throws(JSONParseError) -> String {
        let key = try parseKeyBytes(afterComma: afterComma)
        return withBytes(of: key) { String(decoding: $0, as: UTF8.self) }
    }

    /// `parseKey` without making a String.
    mutating func parseKeyBytes(afterComma: Bool) throws(JSONParseError) -> TokenBytes {
        guard i < end else { throw eof() }
        guard base[i] == UInt8(ascii: "\"") else {
            throw unexpected(afterComma && base[i] == UInt8(ascii: "}") ? .trailingComma : .expectedStringKey)
        }
        let key = try parseStringBytes()
        skipWhitespace()
        guard i < end else { throw eof() }
        guard base[i] == UInt8(ascii: ":") else { throw unexpected(.expectedColon) }
        i += 1
        return key
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let p = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount {
            guard i < end else { throw eof() }
            guard base[i] == p[k] else { throw unexpected(.invalidLiteral) }
            i += 1
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let literal = try parseNumberBytes()
        return JSONNumber(literal: withBytes(of: literal) { String(decoding: $0, as: UTF8.self) })
    }

    /// A number's literal; `i` is at its first byte (a digit or `-`).
    mutating func parseNumberBytes() throws(JSONParseError) -> TokenBytes {
        let start = i
        if base[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, isDigit(base[i]) else { throw invalidNumber() }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, isDigit(base[i]) { throw JSONParseError(offset: i - 1, reason: .leadingZero) }
        } else {
            repeat { i += 1 } while i < end && isDigit(base[i])
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, isDigit(base[i]) else { throw invalidNumber() }
            repeat { i += 1 } while i < end && isDigit(base[i])
        }
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, isDigit(base[i]) else { throw invalidNumber() }
            repeat { i += 1 } while i < end && isDigit(base[i])
        }
        return .inInput(start: start, count: i - start)
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { ASCII.isDigit(b) }

    private func invalidNumber() -> JSONParseError {
        i < end ? unexpected(.invalidNumber) : JSONParseError(offset: end, reason: .invalidNumber)
    }

    // MARK: - Strings

    /// Reads a string; `i` is at the opening quote and ends just past the closing one.
    private mutating func parseString() throws(JSONParseError) -> String {
        let string = try parseStringBytes()
        return withBytes(of: string) { String(decoding: $0, as: UTF8.self) }
    }

    /// `parseString` without making a String.
    mutating func parseStringBytes() throws(JSONParseError) -> TokenBytes {
        i += 1
        let start = i
        if try scanPlainString() { return .inInput(start: start, count: i - 1 - start) }
        try decodeEscapedString(from: start)
        return .inScratch
    }

    /// Fast path of a string body: true, with `i` just past the closing quote, when it has no
    /// escapes (its bytes are the string); false, with `i` at the first backslash, when it has.
    private mutating func scanPlainString() throws(JSONParseError) -> Bool {
        while true {
            skipPlainASCII()
            guard i < end else { throw eof() }
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            if b == UInt8(ascii: "\\") { return false }
            if b < 0x20 { throw JSONParseError(offset: i, reason: .controlCharacterInString) }
            guard let n = utf8SequenceLength(at: i) else { throw JSONParseError(offset: i, reason: .invalidUTF8) }
            i += n
        }
    }

    /// Moves `i` past printable ASCII other than quote and backslash, to the first other
    /// byte or the end: 8 bytes at a time while 8 remain, then byte by byte.
    @inline(__always)
    private mutating func skipPlainASCII() {
        while i + 8 <= end {
            let special = specialBytes(at: i)
            if special != 0 {
                i += special.trailingZeroBitCount >> 3
                return
            }
            i += 8
        }
        while i < end, isPlainASCII(base[i]) { i += 1 }
    }

    @inline(__always)
    private func isPlainASCII(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x80 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
    }

    /// The high bit of each of the 8 bytes at `k` (the first in the lowest byte) that is a
    /// control byte, non-ASCII, a quote or a backslash (SWAR). Subtraction borrows can flag
    /// a byte after a flagged one but never before it, so the lowest flag is exact.
    @inline(__always)
    private func specialBytes(at k: Int) -> UInt64 {
        let w = ByteLanes.load(base + k)
        return (JSONStringLanes.needingEscape(in: w) | w) & ByteLanes.highBits
    }

    /// Slow path: `i` is at the first backslash of a string whose body began at `start`;
    /// the string's bytes end in `scratch`, and `i` just past the closing quote.
    private mutating func decodeEscapedString(from start: Int) throws(JSONParseError) {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while true {
            // Copy a run of plain bytes in one go.
            let runStart = i
            while true {
                skipPlainASCII()
                guard i < end, base[i] >= 0x80 else { break }
                guard let n = utf8SequenceLength(at: i) else { throw JSONParseError(offset: i, reason: .invalidUTF8) }
                i += n
            }
            if i > runStart { scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
            guard i < end else { throw eof() }
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return
            }
            if b < 0x20 { throw JSONParseError(offset: i, reason: .controlCharacterInString) }
            // A backslash.
            let escapeStart = i
            i += 1
            guard i < end else { throw eof() }
            switch base[i] {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                i += 1
                var scalar = try parseHex4()
                switch scalar {
                case 0xD800...0xDBFF:
                    // Must be followed at once by `\u` and a low surrogate.
                    for expected in [UInt8(ascii: "\\"), UInt8(ascii: "u")] {
                        guard i < end else { throw eof() }
                        guard base[i] == expected else { throw JSONParseError(offset: escapeStart, reason: .loneSurrogate) }
                        i += 1
                    }
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw JSONParseError(offset: escapeStart, reason: .loneSurrogate)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                case 0xDC00...0xDFFF:
                    throw JSONParseError(offset: escapeStart, reason: .loneSurrogate)
                default:
                    break
                }
                appendUTF8(scalar)
                continue  // parseHex4 already moved past the digits
            default:
                throw JSONParseError(offset: escapeStart, reason: .invalidEscape)
            }
            i += 1
        }
    }

    /// Reads four hex digits at `i`.
    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < end else { throw eof() }
            let b = base[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw JSONParseError(offset: i, reason: .invalidUnicodeEscape)
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func appendUTF8(_ s: UInt32) {
        switch s {
        case ..<0x80:
            scratch.append(UInt8(s))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | s >> 6))
            scratch.append(UInt8(0x80 | s & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | s >> 12))
            scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | s >> 18))
            scratch.append(UInt8(0x80 | s >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | s >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | s & 0x3F))
        }
    }

    /// Length of the well-formed UTF-8 sequence whose lead byte (≥ 0x80) is at
    /// `k`, or nil (Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
    private func utf8SequenceLength(at k: Int) -> Int? {
        let b0 = base[k]
        @inline(__always) func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            k + j < end && base[k + j] >= lo && base[k + j] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : nil
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : nil
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : nil
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : nil
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : nil
        default: return nil
        }
    }
}
