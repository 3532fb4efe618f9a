/// Why and where `JSONReader` rejected its input.
///
/// `offset` is the byte offset of the offending byte (the input length for
/// "unexpected end of input"). `reason` is one of:
/// "unexpected end of input", "unexpected character", "trailing characters",
/// "trailing comma", "expected string key", "expected ':'",
/// "expected ',' or ']'", "expected ',' or '}'", "invalid literal",
/// "invalid number", "leading zero", "control character in string",
/// "invalid escape", "invalid unicode escape", "lone surrogate",
/// "invalid UTF-8", "byte order mark not allowed", "nesting too deep".
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    @inlinable
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
