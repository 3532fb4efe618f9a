import StrictJSON
import TestSupport
import Testing

/// `JSONReader.readMembers` must refuse exactly what `parse` refuses, with the same error,
/// and hand over exactly the members `parse` would have put in the object.
@Suite struct JSONMemberReaderTests {
    enum Read: Equatable {
        case members([String], [JSONValue])
        case other(JSONValue)
        case refused(JSONParseError)
    }

    func readMembers(_ bytes: [UInt8], maxDepth: Int = 512) -> Read {
        var keys: [String] = [], values: [JSONValue] = []
        do {
            let other = try JSONReader.readMembers(bytes, maxDepth: maxDepth) { key, value in
                keys.append(String(decoding: key, as: UTF8.self))
                values.append(value)
            }
            return other.map(Read.other) ?? .members(keys, values)
        } catch {
            return .refused(error)
        }
    }

    func parsed(_ bytes: [UInt8], maxDepth: Int = 512) -> Read {
        switch ours(bytes, maxDepth: maxDepth) {
        case .failure(let error): return .refused(error)
        case .success(.object(let object)): return .members(object.members.map(\.key), object.members.map(\.value))
        case .success(let value): return .other(value)
        }
    }

    func expectAgreement(_ bytes: [UInt8], maxDepth: Int = 512) {
        let (streamed, built) = (readMembers(bytes, maxDepth: maxDepth), parsed(bytes, maxDepth: maxDepth))
        #expect(streamed == built, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }

    @Test func anObjectsMembersArriveInOrderWithDuplicatesAndDecodedKeys() {
        let read = readMembers(Array(#" { "a" : 1, "t\u0079pe":"x", "a":[true,{"b":null}] } "#.utf8))
        #expect(read == .members(["a", "type", "a"], [1, "x", [true, ["b": .null]]]))
        #expect(readMembers(Array("{}".utf8)) == .members([], []))
        #expect(readMembers(Array("[1]".utf8)) == .other([1]))
    }

    @Test func refusesWhatParseRefusesWithTheSameError() {
        for c in malformedCases { expectAgreement(c.bytes) }
        for text in [#"{"a":}"#, #"{"a":1,"b":}"#, #"{"a":1,}"#, #"{"a":1 "b":2}"#, #"{"a" 1}"#, #"{"a":1}}"#,
                     #"{"a":1} x"#, "{", #"{"a""#, #"{"a":"#, #"{"\u00"#, #"{"a\"b":1"#, "{1:2}", ""] {
            expectAgreement(Array(text.utf8))
        }
        expectAgreement([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
    }

    @Test func theDepthLimitCountsTheTopLevelObject() {
        for depth in [0, 1, 2, 3] {
            expectAgreement(Array(#"{"a":[[1]]}"#.utf8), maxDepth: depth)
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
