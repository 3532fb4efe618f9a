import StrictJSON
import TestSupport
import Testing

/// `JSONReader.readMembers` must refuse exactly what `parse` refuses, with the same error,
/// and hand over exactly the members `parse` would have put in the object, however the
/// callback reads each value: whole, piece by piece, or not at all.
@Suite struct JSONMemberReaderTests {
    enum Read: Equatable {
        case members([String], [JSONValue])
        case other(JSONValue)
        case refused(JSONParseError)
    }

    /// How a test callback reads each member's value.
    enum Reading: CaseIterable {
        /// `readValue`.
        case whole
        /// `readString`, `readNumber`, `readArray` (elements likewise), else `readValue`.
        case piecewise
        /// Nothing: the reader parses the value after the callback (recorded as `null`).
        case unread
        /// Tries a read of the wrong type first, then reads piece by piece.
        case wrongTypeFirst
    }

    /// A value rebuilt through the piecewise reads, as an order draft reads its fields.
    static func rebuild(_ value: inout some JSONValueSource & ~Copyable, wrongTypeFirst: Bool = false) -> JSONValue {
        if wrongTypeFirst, value.readArray({ _ in }) { return .string("an array read by mistake") }
        var text = ""
        if value.readString({ text = String(decoding: $0, as: UTF8.self) }) { return .string(text) }
        if value.readNumber({ text = String(decoding: $0, as: UTF8.self) }) { return .number(JSONNumber(literal: text)) }
        var items: [JSONValue] = []
        if value.readArray({ items.append(rebuild(&$0)) }) { return .array(items) }
        return value.readValue()
    }

    func readMembers(_ bytes: [UInt8], maxDepth: Int = 512, reading: Reading = .whole) -> Read {
        var keys: [String] = [], values: [JSONValue] = []
        do {
            let other = try JSONReader.readMembers(bytes, maxDepth: maxDepth) { key, value in
                keys.append(String(decoding: key, as: UTF8.self))
                switch reading {
                case .whole: values.append(value.readValue())
                case .piecewise: values.append(Self.rebuild(&value))
                case .unread: values.append(.null)
                case .wrongTypeFirst: values.append(Self.rebuild(&value, wrongTypeFirst: true))
                }
            }
            return other.map(Read.other) ?? .members(keys, values)
        } catch {
            return .refused(error)
        }
    }

    func parsed(_ bytes: [UInt8], maxDepth: Int = 512, reading: Reading = .whole) -> Read {
        switch ours(bytes, maxDepth: maxDepth) {
        case .failure(let error): return .refused(error)
        case .success(.object(let object)):
            let values = object.members.map { member -> JSONValue in
                var value = member.value
                switch reading {
                case .whole: return value.readValue()
                case .piecewise: return Self.rebuild(&value)
                case .unread: return .null
                case .wrongTypeFirst: return Self.rebuild(&value, wrongTypeFirst: true)
                }
            }
            return .members(object.members.map(\.key), values)
        case .success(let value): return .other(value)
        }
    }

    func expectAgreement(_ bytes: [UInt8], maxDepth: Int = 512) {
        for reading in Reading.allCases {
            let (streamed, built) = (readMembers(bytes, maxDepth: maxDepth, reading: reading), parsed(bytes, maxDepth: maxDepth, reading: reading))
            #expect(streamed == built, "\(reading): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    @Test func anObjectsMembersArriveInOrderWithDuplicatesAndDecodedKeys() {
        let read = readMembers(Array(#" { "a" : 1, "t\u0079pe":"x", "a":[true,{"b":null}] } "#.utf8))
        #expect(read == .members(["a", "type", "a"], [1, "x", [true, ["b": .null]]]))
        #expect(readMembers(Array(#"{"s":"a\"b","n":-1.5e3,"a":[["x"],2,{}],"e":[]}"#.utf8), reading: .piecewise)
            == .members(["s", "n", "a", "e"], ["a\"b", .number(JSONNumber(literal: "-1.5e3")), [["x"], 2, [:]], []]))
        #expect(readMembers(Array("{}".utf8)) == .members([], []))
        #expect(readMembers(Array("[1]".utf8)) == .other([1]))
    }

    @Test func refusesWhatParseRefusesWithTheSameError() {
        for c in malformedCases { expectAgreement(c.bytes) }
        for text in [#"{"a":}"#, #"{"a":1,"b":}"#, #"{"a":1,}"#, #"{"a":1 "b":2}"#, #"{"a" 1}"#, #"{"a":1}}"#,
                     #"{"a":1} x"#, "{", #"{"a""#, #"{"a":"#, #"{"\u00"#, #"{"a\"b":1"#, "{1:2}", "",
                     #"{"a":[1,]}"#, #"{"a":[1 2]}"#, #"{"a":[}"#, #"{"a":["x\u12"]}"#, #"{"a":[-]}"#, #"{"a":"x"#,
                     #"{"a":[1,"#, #"{"a":01}"#, #"{"a\n":"\ud800"}"#, #"{"a\n":"b\t"}"#] {
            expectAgreement(Array(text.utf8))
        }
        expectAgreement([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
    }

    @Test func theDepthLimitCountsTheTopLevelObject() {
        for depth in [0, 1, 2, 3, 4] {
            expectAgreement(Array(#"{"a":[[1]]}"#.utf8), maxDepth: depth)
            expectAgreement(Array(#"{"a":[[{"b":1}], "c", []]}"#.utf8), maxDepth: depth)
            expectAgreement(Array(#"{}"#.utf8), maxDepth: depth)
        }
        let nested = Array((#"{"a":"# + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}").utf8)
        #expect(readMembers(nested) != .refused(JSONParseError(offset: 0, reason: .nestingTooDeep)))
        expectAgreement(nested)
        expectAgreement(Array((#"{"a":"# + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}").utf8))
    }

    @Test func generatedAndMutatedDocumentsAgree() {
        var gen = JSONTextGenerator(rng: SplitMix64(seed: 20_261_202))
        var objects = 0
        for _ in 0..<300 {
            let value = Array(gen.value().utf8)
            let object = Array(("{\"k\":" + gen.value() + ",\"k\":" + gen.value() + "}").utf8)
            for input in [value, object, gen.mutate(value), gen.mutate(object), gen.mutate(object)] {
                expectAgreement(input)
                if case .members = parsed(input) { objects += 1 }
            }
        }
        #expect(objects >= 300)
    }
}
