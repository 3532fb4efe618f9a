/// A strict RFC 8259 JSON reader.
///
/// Accepts exactly one value with optional surrounding whitespace (space, tab,
/// CR, LF) and rejects everything else: trailing characters, comments,
/// trailing commas, leading zeros, NaN/Infinity, unescaped control characters,
/// bad escapes, lone surrogates (escaped or UTF-8 encoded), overlong or
/// otherwise invalid UTF-8, and a byte order mark.
///
/// Never recurses: containers are tracked on an explicit stack, so any input
/// fails cleanly with "nesting too deep" once more than `maxDepth` arrays and
/// objects are open. Keep `maxDepth` modest: the resulting `JSONValue` is
/// destroyed and compared recursively.
public enum JSONReader {
    /// Parses one JSON document.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        try _parse(bytes, maxDepth).get()
    }

    /// Parses one JSON document.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBytes { _parse($0, maxDepth) }.get()
    }

    /// Parses one JSON document held in a string's UTF-8.
    public static func parse(_ text: String, maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { _parse(UnsafeRawBufferPointer($0), maxDepth) }.get()
    }

    /// Parses one JSON document from any byte collection (`ArraySlice`, `Data`, …);
    /// contiguous storage is read in place, anything else is copied first.
    @inlinable
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 512) throws(JSONParseError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable({ _parse(UnsafeRawBufferPointer($0), maxDepth) }) {
            return try result.get()
        }
        return try parse(Array(bytes), maxDepth: maxDepth)
    }

    /// Parses one JSON document as strictly as `parse`, but a top-level object is not built:
    /// each member goes to `member`, in order and duplicates included, as its key's UTF-8
    /// bytes (valid only during the call) and its value, still in the input, which the
    /// callback reads as far as it wants (see `JSONValueSource`); whatever it leaves unread
    /// is parsed after it returns. A reader of a few known fields makes no String for a key,
    /// no member list and no `JSONValue` it does not need. Returns nil for an object; any
    /// other document is returned whole.
    public static func readMembers(_ bytes: [UInt8], maxDepth: Int = 512,
                                   _ member: (UnsafeRawBufferPointer, inout JSONValueReader) -> Void) throws(JSONParseError) -> JSONValue? {
        try bytes.withUnsafeBytes { raw in
            withParser(raw, maxDepth) { (parser) throws(JSONParseError) in
                var reader = JSONValueReader(parser)
                return try reader.readMembers(member)
            }
        }.get()
    }

    @usableFromInline
    static func _parse(_ bytes: UnsafeRawBufferPointer, _ maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        withParser(bytes, maxDepth) { (parser) throws(JSONParseError) in try parser.parseDocument() }
    }

    /// Runs `body` with a parser over `bytes`; no bytes at all is an unexpected end.
    private static func withParser<R>(_ bytes: UnsafeRawBufferPointer, _ maxDepth: Int,
                                      _ body: (inout JSONParser) throws(JSONParseError) -> R) -> Result<R, JSONParseError> {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return .failure(JSONParseError(offset: 0, reason: .unexpectedEndOfInput))
        }
        var parser = JSONParser(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count, maxDepth: maxDepth)
        do throws(JSONParseError) {
            return .success(try body(&parser))
        } catch {
            return .failure(error)
        }
    }
}
