/// Why and where `JSONReader` rejected its input.
///
/// `offset` is the byte offset of the offending byte (the input length for
/// "unexpected end of input").
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every way input can be refused; the raw value is the text shown to people.
    public enum Reason: String, Sendable, CaseIterable, CustomStringConvertible {
        case unexpectedEndOfInput = "unexpected end of input"
        case unexpectedCharacter = "unexpected character"
        case trailingCharacters = "trailing characters"
        case trailingComma = "trailing comma"
        case expectedStringKey = "expected string key"
        case expectedColon = "expected ':'"
        case expectedCommaOrBracket = "expected ',' or ']'"
        case expectedCommaOrBrace = "expected ',' or '}'"
        case invalidLiteral = "invalid literal"
        case invalidNumber = "invalid number"
        case leadingZero = "leading zero"
        case controlCharacterInString = "control character in string"
        case invalidEscape = "invalid escape"
        case invalidUnicodeEscape = "invalid unicode escape"
        case loneSurrogate = "lone surrogate"
        case invalidUTF8 = "invalid UTF-8"
        case byteOrderMarkNotAllowed = "byte order mark not allowed"
        case nestingTooDeep = "nesting too deep"

        public var description: String { rawValue }
    }

    public var offset: Int
    public var reason: Reason

    @inlinable
    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(reason) at byte \(offset)" }
}
