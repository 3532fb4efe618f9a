import ASCIIBytes
/// A value still in the input of `JSONReader.readMembers`: the member being handed over,
/// or an element of an array being read. Reading it moves through the input as `parse`
/// would, so the document is refused exactly where and why `parse` refuses it.
///
/// A read that meets malformed input hands nothing over (`readValue` gives `null`), and
/// later reads give nothing at all; `readMembers` then throws the error once the callback
/// returns, so callbacks need not handle errors (what they gathered is dropped).
/// Not copyable: it points into the input, so it must not outlive the callback.
public struct JSONValueReader: JSONValueSource, ~Copyable {
    private var parser: JSONParser
    /// How many more arrays and objects may open at this value.
    private var depthLeft: Int
    /// Whether a `,` came just before this value (a `]` or `}` here is a trailing comma).
    private var afterComma = false
    private var isRead = false
    /// The first error met; it ends the document.
    private var failure: JSONParseError?

    init(_ parser: JSONParser) {
        self.parser = parser
        self.depthLeft = parser.maxDepth
    }

    // MARK: - Reading the value

    public mutating func readString(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard take(ifStartsWith: parser.current == UInt8(ascii: "\"")) else { return false }
        do throws(JSONParseError) {
            let string = try parser.parseStringBytes()
            parser.withBytes(of: string, body)
        } catch {
            failure = error
        }
        return true
    }

    public mutating func readNumber(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard take(ifStartsWith: parser.current.map { $0 == UInt8(ascii: "-") || ASCII.isDigit($0) } ?? false) else { return false }
        do throws(JSONParseError) {
            let literal = try parser.parseNumberBytes()
            parser.withBytes(of: literal, body)
        } catch {
            failure = error
        }
        return true
    }

    public mutating func readArray(_ element: (inout JSONValueReader) -> Void) -> Bool {
        guard take(ifStartsWith: parser.current == UInt8(ascii: "[")) else { return false }
        let depth = depthLeft
        do throws(JSONParseError) {
            guard try !parser.openContainer(closedBy: UInt8(ascii: "]"), depthLeft: depth) else { return true }
            var afterComma = false
            repeat {
                try handOver(depthLeft: depth - 1, afterComma: afterComma, to: element)
                afterComma = true
            } while try parser.continueContainer(closedBy: UInt8(ascii: "]"))
        } catch {
            failure = error
        }
        return true
    }

    public mutating func readValue() -> JSONValue {
        guard take(ifStartsWith: true) else { return .null }
        do throws(JSONParseError) {
            return try parser.parseValue(maxDepth: depthLeft, afterComma: afterComma)
        } catch {
            failure = error
            return .null
        }
    }

    /// Marks the value read when it starts as a read expects (and no error came before).
    private mutating func take(ifStartsWith expected: Bool) -> Bool {
        guard failure == nil else { return false }
        precondition(!isRead, "a JSON value is read at most once")
        guard expected else { return false }
        isRead = true
        return true
    }

    // MARK: - Handing values over

    /// Hands the value at the reading position (whitespace before it skipped) to `read`,
    /// then parses whatever it left unread; throws the first error met.
    private mutating func handOver(depthLeft: Int, afterComma: Bool, to read: (inout JSONValueReader) -> Void) throws(JSONParseError) {
        parser.skipWhitespace()
        self.depthLeft = depthLeft
        self.afterComma = afterComma
        isRead = false
        read(&self)
        if let failure { throw failure }
        if !isRead { _ = try parser.parseValue(maxDepth: depthLeft, afterComma: afterComma) }
        isRead = true
    }

    /// `JSONReader.readMembers`: a top-level object's members, one by one, to `member`.
    mutating func readMembers(_ member: (UnsafeRawBufferPointer, inout JSONValueReader) -> Void) throws(JSONParseError) -> JSONValue? {
        try parser.refuseByteOrderMark()
        parser.skipWhitespace()
        guard parser.current == UInt8(ascii: "{") else {
            let value = try parser.parseValue(maxDepth: parser.maxDepth)
            try parser.expectDocumentEnd()
            return value
        }
        if try !parser.openContainer(closedBy: UInt8(ascii: "}"), depthLeft: parser.maxDepth) {
            var afterComma = false
            repeat {
                parser.skipWhitespace()
                let key = try parser.parseKeyBytes(afterComma: afterComma)
                switch key {
                case .inInput(let start, let count):
                    let bytes = parser.inputBytes(start: start, count: count)
                    try handOver(depthLeft: parser.maxDepth - 1, afterComma: afterComma) { member(bytes, &$0) }
                case .inScratch:
                    // The value may have escapes too, and reuse the scratch buffer: keep a copy.
                    let bytes = parser.withBytes(of: key) { Array($0) }
                    try handOver(depthLeft: parser.maxDepth - 1, afterComma: afterComma) { reader in
                        bytes.withUnsafeBytes { member($0, &reader) }
                    }
                }
                afterComma = true
            } while try parser.continueContainer(closedBy: UInt8(ascii: "}"))
        }
        try parser.expectDocumentEnd()
        return nil
    }
}
