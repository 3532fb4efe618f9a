import StrictJSON
import Testing

@Suite struct JSONNumberTests {
    static let exactIntegers: [(String, Int?)] = [
        ("90", 90), ("90.0", 90), ("9e1", 90), ("9E+1", 90), ("900e-1", 90), ("0.9e2", 90), ("0.09E3", 90),
        ("90.000", 90), ("9000e-2", 90), ("-90", -90), ("-9.0e1", -90),
        ("0", 0), ("-0", 0), ("-0.0", 0), ("0e999999999999999999999", 0), ("0.000e-5", 0),
        ("90.5", nil), ("9.05e1", nil), ("905e-1", nil), ("0.1", nil), ("1e-400", nil), ("-0.5", nil),
        ("1e400", nil), ("-1e400", nil), ("1e19", nil), ("1e18", 1_000_000_000_000_000_000),
        ("100000000000000000000e-2", 1_000_000_000_000_000_000),
        ("9223372036854775807", Int.max), ("9223372036854775808", nil), ("92233720368547758070e-1", Int.max),
        ("922337203685477580.7e1", Int.max), ("9.223372036854775807e18", Int.max), ("9.223372036854775808e18", nil),
        ("-9223372036854775808", Int.min), ("-9223372036854775809", nil), ("-9.223372036854775808E18", Int.min),
        ("123456789012345678901234567890", nil), ("0.000001e6", 1), ("1e0", 1), ("1.5e1", 15), ("15e-1", nil),
        ("1e999999999999999999999999", nil), ("1e-999999999999999999999999", nil),
        // Not numbers at all (only possible through the unchecked initialiser).
        ("", nil), ("-", nil), ("abc", nil), ("1.", nil), ("1e", nil), ("1x", nil), (".5", nil),
    ]

    @Test func exactInteger() {
        for (literal, expected) in Self.exactIntegers {
            #expect(JSONNumber(literal: literal).exactInteger == expected, "\(literal)")
        }
    }

    @Test func exactIntegerAgreesWithParsedLiterals() throws {
        let v = try JSONReader.parse("[90, 90.0, 9e1, 900e-1, 90.5, 1e400, -0]")
        #expect(try #require(v.arrayValue).map(\.intValue) == [90, 90, 90, 90, nil, nil, 0])
    }

    @Test func doubleValue() {
        #expect(JSONNumber(literal: "90").doubleValue == 90)
        #expect(JSONNumber(literal: "9e1").doubleValue == 90)
        #expect(JSONNumber(literal: "0.1").doubleValue == 0.1)
        #expect(JSONNumber(literal: "-12.5E-1").doubleValue == -1.25)
        #expect(JSONNumber(literal: "1e400").doubleValue == .infinity)
        #expect(JSONNumber(literal: "-1e400").doubleValue == -.infinity)
        #expect(JSONNumber(literal: "1e-400").doubleValue == 0)
        #expect(JSONNumber(literal: "-0").doubleValue.sign == .minus)
        #expect(JSONNumber(literal: "9007199254740993").doubleValue == 9007199254740992)
        #expect(JSONNumber(literal: "abc").doubleValue.isNaN)
    }

    @Test func isIntegerLiteral() {
        #expect(JSONNumber(literal: "90").isIntegerLiteral)
        #expect(JSONNumber(literal: "-0").isIntegerLiteral)
        #expect(JSONNumber(literal: "123456789012345678901234567890").isIntegerLiteral)
        #expect(!JSONNumber(literal: "90.0").isIntegerLiteral)
        #expect(!JSONNumber(literal: "9e1").isIntegerLiteral)
        #expect(!JSONNumber(literal: "9E1").isIntegerLiteral)
    }

    @Test func parsingKeepsTheExactLiteral() throws {
        let literals = ["90", "90.0", "9e1", "9E+1", "-0", "-0.0", "1e400", "0.30000000000000004", "123456789012345678901234567890", "1E-7"]
        let v = try JSONReader.parse("[" + literals.joined(separator: " , ") + "]")
        #expect(try #require(v.arrayValue).compactMap(\.numberValue?.literal) == literals)
        #expect(v.jsonString == "[" + literals.joined(separator: ",") + "]")
    }

    @Test(arguments: [("01", 0, .leadingZero), ("-01", 1, .leadingZero), ("1.", 2, .invalidNumber), (".5", 0, .unexpectedCharacter),
                      ("-", 1, .invalidNumber), ("+1", 0, .unexpectedCharacter), ("1e", 2, .invalidNumber), ("1.5.3", 3, .trailingCharacters),
                      ("- 1", 1, .invalidNumber), ("1 .5", 2, .trailingCharacters)] as [(String, Int, JSONParseError.Reason)])
    func rejectsMalformedNumbers(literal: String, offset: Int, reason: JSONParseError.Reason) {
        #expect(throws: JSONParseError(offset: offset, reason: reason)) { try JSONReader.parse(literal) }
        #expect(JSONNumber(validating: literal) == nil)
    }

    @Test func initialisers() {
        #expect(JSONNumber(validating: "-12.5e+3")?.literal == "-12.5e+3")
        #expect(JSONNumber(validating: "0") != nil)
        #expect(JSONNumber(validating: "") == nil)
        #expect(JSONNumber(validating: " 1") == nil)
        #expect(JSONNumber(validating: "1 ") == nil)
        #expect(JSONNumber(validating: "NaN") == nil)
        #expect(JSONNumber(42).literal == "42")
        #expect(JSONNumber(Int.min).literal == "-9223372036854775808")
        #expect(JSONNumber(UInt64.max).literal == "18446744073709551615")
        #expect(JSONNumber(1.5)?.literal == "1.5")
        #expect(JSONNumber(0.1)?.doubleValue == 0.1)
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(Double.infinity) == nil)
        let n: JSONNumber = 7
        #expect(n.literal == "7" && n.description == "7")
    }

    @Test func equalityIsByLiteral() {
        #expect(JSONNumber(literal: "90") == JSONNumber(90))
        #expect(JSONNumber(literal: "90") != JSONNumber(literal: "90.0"))
        #expect(JSONNumber(literal: "90").exactInteger == JSONNumber(literal: "90.0").exactInteger)
        #expect(JSONValue.number(90) != JSONValue.number(JSONNumber(literal: "9e1")))
    }
}
