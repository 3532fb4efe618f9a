import StrictJSON
import Testing

struct Malformed: Sendable, CustomTestStringConvertible {
    var bytes: [UInt8]
    var offset: Int
    var reason: JSONParseError.Reason
    init(_ text: String, _ offset: Int, _ reason: JSONParseError.Reason) { self.init(bytes: Array(text.utf8), offset, reason) }
    init(bytes: [UInt8], _ offset: Int, _ reason: JSONParseError.Reason) {
        self.bytes = bytes
        self.offset = offset
        self.reason = reason
    }
    var testDescription: String { "\(bytes.count <= 40 ? String(decoding: bytes, as: UTF8.self).debugDescription : "\(bytes.count) bytes") → \(reason)" }
}

let malformedCases: [Malformed] = [
    // Structure
    Malformed("", 0, .unexpectedEndOfInput),
    Malformed(" \n\t\r ", 5, .unexpectedEndOfInput),
    Malformed("[", 1, .unexpectedEndOfInput),
    Malformed("{", 1, .unexpectedEndOfInput),
    Malformed("[1,", 3, .unexpectedEndOfInput),
    Malformed("{\"a\"", 4, .unexpectedEndOfInput),
    Malformed("{\"a\":", 5, .unexpectedEndOfInput),
    Malformed("{\"a\":1", 6, .unexpectedEndOfInput),
    Malformed("[1,]", 3, .trailingComma),
    Malformed("[1 , ]", 5, .trailingComma),
    Malformed("{\"a\":1,}", 7, .trailingComma),
    Malformed("[,1]", 1, .unexpectedCharacter),
    Malformed("[1,,2]", 3, .unexpectedCharacter),
    Malformed("{,}", 1, .expectedStringKey),
    Malformed("{1:2}", 1, .expectedStringKey),
    Malformed("{a:1}", 1, .expectedStringKey),
    Malformed("{'a':1}", 1, .expectedStringKey),
    Malformed("{\"a\" 1}", 5, .expectedColon),
    Malformed("{\"a\"=1}", 4, .expectedColon),
    Malformed("[1 2]", 3, .expectedCommaOrBracket),
    Malformed("[1}", 2, .expectedCommaOrBracket),
    Malformed("{\"a\":1 \"b\":2}", 7, .expectedCommaOrBrace),
    Malformed("{\"a\":1]", 6, .expectedCommaOrBrace),
    Malformed("{\"a\":}", 5, .unexpectedCharacter),
    Malformed("1 2", 2, .trailingCharacters),
    Malformed("[1]x", 3, .trailingCharacters),
    Malformed("{} {}", 3, .trailingCharacters),
    Malformed("\"a\"\"b\"", 3, .trailingCharacters),
    Malformed("]", 0, .unexpectedCharacter),
    // Comments
    Malformed("// c\n1", 0, .unexpectedCharacter),
    Malformed("/* c */ 1", 0, .unexpectedCharacter),
    Malformed("[1 /* c */]", 3, .expectedCommaOrBracket),
    Malformed("1 # c", 2, .trailingCharacters),
    // Literals
    Malformed("tru", 3, .unexpectedEndOfInput),
    Malformed("trux", 3, .invalidLiteral),
    Malformed("True", 0, .unexpectedCharacter),
    Malformed("nul", 3, .unexpectedEndOfInput),
    Malformed("nan", 1, .invalidLiteral),
    Malformed("falsey", 5, .trailingCharacters),
    Malformed("undefined", 0, .unexpectedCharacter),
    // Numbers
    Malformed("01", 0, .leadingZero),
    Malformed("-01", 1, .leadingZero),
    Malformed("00", 0, .leadingZero),
    Malformed("[007]", 1, .leadingZero),
    Malformed("1.", 2, .invalidNumber),
    Malformed("1.e5", 2, .invalidNumber),
    Malformed(".5", 0, .unexpectedCharacter),
    Malformed("-", 1, .invalidNumber),
    Malformed("-a", 1, .invalidNumber),
    Malformed("--1", 1, .invalidNumber),
    Malformed("+1", 0, .unexpectedCharacter),
    Malformed("1e", 2, .invalidNumber),
    Malformed("1e+", 3, .invalidNumber),
    Malformed("1E-x", 3, .invalidNumber),
    Malformed("0x1F", 1, .trailingCharacters),
    Malformed("1_000", 1, .trailingCharacters),
    Malformed("NaN", 0, .unexpectedCharacter),
    Malformed("Infinity", 0, .unexpectedCharacter),
    Malformed("-Infinity", 1, .invalidNumber),
    // Strings
    Malformed("\"abc", 4, .unexpectedEndOfInput),
    Malformed("\"\\", 2, .unexpectedEndOfInput),
    Malformed("\"a\tb\"", 2, .controlCharacterInString),
    Malformed("\"a\nb\"", 2, .controlCharacterInString),
    Malformed("\"\u{0}\"", 1, .controlCharacterInString),
    Malformed("\"\u{1F}\"", 1, .controlCharacterInString),
    Malformed("\"\\x41\"", 1, .invalidEscape),
    Malformed("\"\\'\"", 1, .invalidEscape),
    Malformed("\"\\U0041\"", 1, .invalidEscape),
    Malformed("\"\\a\"", 1, .invalidEscape),
    Malformed("\"\\u12\"", 5, .invalidUnicodeEscape),
    Malformed("\"\\u12G4\"", 5, .invalidUnicodeEscape),
    Malformed("\"\\u 123\"", 3, .invalidUnicodeEscape),
    Malformed("\"\\u12", 5, .unexpectedEndOfInput),
    Malformed("\"\\ud800\"", 1, .loneSurrogate),
    Malformed("\"\\uDBFF\"", 1, .loneSurrogate),
    Malformed("\"\\udc00\"", 1, .loneSurrogate),
    Malformed("\"\\uDFFF\\uD800\"", 1, .loneSurrogate),
    Malformed("\"x\\ud800\\u0041\"", 2, .loneSurrogate),
    Malformed("\"\\ud800\\ud800\"", 1, .loneSurrogate),
    Malformed("\"\\ud800x\"", 1, .loneSurrogate),
    Malformed("\"\\ud800\\n\"", 1, .loneSurrogate),
    Malformed("\"\\ud800\\uzzzz\"", 9, .invalidUnicodeEscape),
    Malformed("\"\\ud800", 7, .unexpectedEndOfInput),
    // UTF-8
    Malformed(bytes: [0x22, 0xC0, 0xAF, 0x22], 1, .invalidUTF8),  // overlong "/"
    Malformed(bytes: [0x22, 0xC1, 0xBF, 0x22], 1, .invalidUTF8),  // overlong
    Malformed(bytes: [0x22, 0xE0, 0x80, 0x80, 0x22], 1, .invalidUTF8),  // overlong NUL
    Malformed(bytes: [0x22, 0xE0, 0x9F, 0xBF, 0x22], 1, .invalidUTF8),  // overlong U+07FF
    Malformed(bytes: [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], 1, .invalidUTF8),  // overlong U+FFFF
    Malformed(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], 1, .invalidUTF8),  // U+D800 encoded
    Malformed(bytes: [0x22, 0xED, 0xBF, 0xBF, 0x22], 1, .invalidUTF8),  // U+DFFF encoded
    Malformed(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, .invalidUTF8),  // U+110000
    Malformed(bytes: [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], 1, .invalidUTF8),
    Malformed(bytes: [0x22, 0xFF, 0x22], 1, .invalidUTF8),
    Malformed(bytes: [0x22, 0xFE, 0x22], 1, .invalidUTF8),
    Malformed(bytes: [0x22, 0x80, 0x22], 1, .invalidUTF8),  // lone continuation
    Malformed(bytes: [0x22, 0xC3, 0x22], 1, .invalidUTF8),  // truncated by the quote
    Malformed(bytes: [0x22, 0xE2, 0x82], 1, .invalidUTF8),  // truncated by the end
    Malformed(bytes: [0x22, 0x61, 0x5C, 0x6E, 0xC3, 0x28, 0x22], 4, .invalidUTF8),  // after an escape
    Malformed(bytes: [0xFF], 0, .invalidUTF8),
    Malformed(bytes: [0x5B, 0x31, 0x5D, 0xC0], 3, .invalidUTF8),
    Malformed(bytes: [0xC3, 0xA9], 0, .unexpectedCharacter),  // valid UTF-8, not JSON
    Malformed(bytes: [0xEF, 0xBB, 0xBF, 0x31], 0, .byteOrderMarkNotAllowed),
    Malformed(bytes: [0x31, 0x00], 1, .trailingCharacters),  // UTF-16LE "1"
    Malformed(bytes: [0x00, 0x31], 0, .unexpectedCharacter),  // UTF-16BE "1"
]

@Suite struct JSONReaderTests {
    @Test(arguments: malformedCases)
    func rejectsMalformedInput(_ c: Malformed) {
        #expect(throws: JSONParseError(offset: c.offset, reason: c.reason)) { try JSONReader.parse(c.bytes) }
    }

    @Test func parsesScalars() throws {
        #expect(try JSONReader.parse("null") == .null)
        #expect(try JSONReader.parse("true") == .bool(true))
        #expect(try JSONReader.parse("false") == .bool(false))
        #expect(try JSONReader.parse("-12.5e3") == .number(JSONNumber(literal: "-12.5e3")))
        #expect(try JSONReader.parse("\"hi\"") == .string("hi"))
        #expect(try JSONReader.parse(" \t\r\n 7 \n") == .number(7))
        #expect(try JSONReader.parse("\"\"") == .string(""))
    }

    @Test func parsesContainers() throws {
        #expect(try JSONReader.parse("[]") == .array([]))
        #expect(try JSONReader.parse("{}") == .object(JSONObject()))
        #expect(try JSONReader.parse("[ ]") == .array([]))
        #expect(try JSONReader.parse("{ \n}") == .object(JSONObject()))
        let v = try JSONReader.parse(#" { "a" : [ 1 , { "b" : null } , [ ] , { } ] , "c" : "d" } "#)
        #expect(v == ["a": [1, ["b": .null], [], .object([:])], "c": "d"])
        #expect(try JSONReader.parse("[[[[]]]]") == [[[[]]]])
        #expect(try JSONReader.parse(#"[true,false,null,"x",0,{"k":[]}]"#) == [true, false, .null, "x", 0, ["k": []]])
    }

    @Test func parsesTheOrderBody() throws {
        let body = #"{"type":"advanced","hosts":["example.com","*.example.com"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#
        let v = try JSONReader.parse(Array(body.utf8))
        let o = try #require(v.objectValue)
        #expect(o.keys == ["type", "hosts", "validation_method", "validity_days", "certificate_authority"])
        #expect(o["type"]?.stringValue == "advanced")
        #expect(o["hosts"]?.arrayValue?.compactMap(\.stringValue) == ["example.com", "*.example.com"])
        #expect(o["validity_days"]?.numberValue?.exactInteger == 90)
        #expect(v["certificate_authority"] == "lets_encrypt")
        #expect(v["missing"] == nil)
        #expect(v.jsonString == body)
    }

    @Test func acceptsEveryInputKind() throws {
        let text = #"{"a":[1,"é"]}"#
        let bytes = Array(text.utf8)
        let expected: JSONValue = ["a": [1, "é"]]
        #expect(try JSONReader.parse(text) == expected)
        #expect(try JSONReader.parse(bytes) == expected)
        #expect(try JSONReader.parse(bytes[...]) == expected)
        #expect(try JSONReader.parse(bytes.withUnsafeBytes { try JSONReader.parse($0) }.jsonString) == expected)
        #expect(try JSONReader.parse(bytes.lazy.map { $0 }) == expected)  // not contiguous
        #expect(try JSONReader.parse(([0x20] + bytes + [0x20])[1..<(bytes.count + 1)]) == expected)
        #expect(throws: JSONParseError(offset: 0, reason: .unexpectedEndOfInput)) {
            try JSONReader.parse(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    @Test func keepsDuplicateKeysAndLooksUpTheLast() throws {
        let v = try JSONReader.parse(#"{"a":1,"b":2,"a":3,"a":{"x":true}}"#)
        let o = try #require(v.objectValue)
        #expect(o.count == 4)
        #expect(o.keys == ["a", "b", "a", "a"])
        #expect(o.members.map(\.value) == [1, 2, 3, ["x": true]])
        #expect(o["a"] == ["x": true])
        #expect(o["b"] == 2)
        #expect(o.duplicateKeys == ["a"])
        #expect(v.jsonString == #"{"a":1,"b":2,"a":3,"a":{"x":true}}"#)
    }

    @Test func objectKeysMatchByExactBytes() throws {
        let o = try #require(try JSONReader.parse(#"{"\u00e9":1,"e\u0301":2}"#).objectValue)
        #expect(o["\u{E9}"] == 1)
        #expect(o["e\u{301}"] == 2)
        #expect(o.duplicateKeys.isEmpty)
        #expect(JSONValue.string("\u{E9}") != .string("e\u{301}"))
    }

    @Test func decodesEscapes() throws {
        let v = try JSONReader.parse(#""\"\\\/\b\f\n\r\t\u0000\u001f\u0041\u00e9\u00E9\u20AC\uFFFF""#)
        #expect(Array(try #require(v.stringValue).unicodeScalars) == Array("\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}Aéé€\u{FFFF}".unicodeScalars))
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONReader.parse(#""\uD83D\uDE00""#) == "😀")
        #expect(try JSONReader.parse(#""\ud83d\ude00x""#) == "😀x")
        #expect(try JSONReader.parse(#""\uD800\uDC00""#) == "\u{10000}")
        #expect(try JSONReader.parse(#""\uDBFF\uDFFF""#) == "\u{10FFFF}")
        #expect(try JSONReader.parse(#""a\uD83D\uDE00b\u00e9""#) == "a😀bé")
        #expect(try JSONReader.parse(#""\uD7FF\uE000""#) == "\u{D7FF}\u{E000}")
    }

    @Test func keepsUTF8AsIsAndUnnormalised() throws {
        let text = "\"e\u{301} é 中 😀 \u{7F} \u{10FFFF}\""
        let s = try #require(try JSONReader.parse(Array(text.utf8)).stringValue)
        #expect(Array(s.utf8) == Array(text.utf8.dropFirst().dropLast()))
    }

    @Test func acceptsUTF8Boundaries() throws {
        let valid: [[UInt8]] = [
            [0xC2, 0x80], [0xDF, 0xBF],  // U+0080, U+07FF
            [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],  // U+0800, U+D7FF, U+E000, U+FFFF
            [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],  // U+10000, U+10FFFF
        ]
        for seq in valid {
            let s = try #require(try JSONReader.parse([0x22] + seq + [0x22]).stringValue)
            #expect(Array(s.utf8) == seq)
        }
    }

    @Test func rejectsDeepNestingWithoutCrashing() {
        let n = 10_000
        let deepArrays = [UInt8](repeating: UInt8(ascii: "["), count: n) + [UInt8](repeating: UInt8(ascii: "]"), count: n)
        #expect(throws: JSONParseError(offset: 512, reason: .nestingTooDeep)) { try JSONReader.parse(deepArrays) }
        let unclosed = [UInt8](repeating: UInt8(ascii: "["), count: n)
        #expect(throws: JSONParseError(offset: 512, reason: .nestingTooDeep)) { try JSONReader.parse(unclosed) }
        let deepObjects = Array(String(repeating: #"{"a":"#, count: n).utf8) + [UInt8(ascii: "1")] + [UInt8](repeating: UInt8(ascii: "}"), count: n)
        #expect(throws: JSONParseError(offset: 512 * 5, reason: .nestingTooDeep)) { try JSONReader.parse(deepObjects) }
        let mixed = Array(String(repeating: #"[{"k":"#, count: n).utf8)
        #expect(throws: JSONParseError(offset: 256 * 6, reason: .nestingTooDeep)) { try JSONReader.parse(mixed) }  // the 513th opener is a "["
    }

    @Test func depthLimitIsExact() throws {
        func nested(_ d: Int) -> [UInt8] { Array(String(repeating: "[", count: d).utf8) + Array(String(repeating: "]", count: d).utf8) }
        #expect(try JSONReader.parse(nested(512)).arrayValue?.count == 1)
        #expect(throws: JSONParseError(offset: 512, reason: .nestingTooDeep)) { try JSONReader.parse(nested(513)) }
        #expect(try JSONReader.parse(nested(3), maxDepth: 3) == [[[]]])
        #expect(throws: JSONParseError(offset: 3, reason: .nestingTooDeep)) { try JSONReader.parse(nested(4), maxDepth: 3) }
        #expect(try JSONReader.parse("7", maxDepth: 0) == 7)
        #expect(throws: JSONParseError(offset: 0, reason: .nestingTooDeep)) { try JSONReader.parse("{}", maxDepth: 0) }
        #expect(throws: JSONParseError(offset: 0, reason: .nestingTooDeep)) { try JSONReader.parse("[]", maxDepth: -1) }
        // Siblings do not add depth.
        #expect(try JSONReader.parse("[[],[],{},[[]]]", maxDepth: 3).arrayValue?.count == 4)
    }

    @Test func randomBytesNeverCrashAndReportOffsetsInRange() {
        var rng = SplitMix64(seed: 7)
        let alphabet = Array("{}[],:\"\\0123456789.eE+-truefalsnl \n".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xED, 0xF0, 0xFF]
        var rejected = 0
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            if case .failure(let e) = ours(bytes) {
                rejected += 1
                // (Its reason is always one of JSONParseError.Reason's cases: the type says so.)
                #expect((0...bytes.count).contains(e.offset), "\(bytes) → \(e)")
            }
        }
        #expect(rejected > 2500)
    }

    @Test func accessorsAndTypeNames() throws {
        let v = try JSONReader.parse(#"[null,true,1.5,"s",[2],{"k":"v"}]"#)
        let a = try #require(v.arrayValue)
        #expect(a.map(\.typeName) == ["null", "boolean", "number", "string", "array", "object"])
        #expect(a[0].isNull && !a[1].isNull)
        #expect(a[1].boolValue == true && a[0].boolValue == nil)
        #expect(a[2].numberValue?.literal == "1.5" && a[2].doubleValue == 1.5 && a[2].intValue == nil)
        #expect(a[3].stringValue == "s" && a[2].stringValue == nil)
        #expect(a[4].arrayValue == [2] && a[4].objectValue == nil)
        #expect(a[5].objectValue?["k"] == "v" && a[5].arrayValue == nil)
        #expect(a[4].numberValue == nil)
        #expect(v[4]?[0]?.intValue == 2)
        #expect(v[6] == nil && v[-1] == nil && v["k"] == nil)
        #expect(v[5]?["k"] == "v")
    }

    @Test func errorDescription() {
        #expect(JSONParseError(offset: 3, reason: .trailingComma).description == "trailing comma at byte 3")
    }
}
