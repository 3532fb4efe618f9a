import Foundation
import StrictJSON
import TestSupport
import Testing

@Suite struct JSONWriterTests {
    func text(_ w: borrowing JSONWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

    @Test func insertsCommasAutomatically() {
        var w = JSONWriter(reserving: 64)
        w.objectStart()
        w.key("id"); w.string("abc")
        w.key("hosts"); w.arrayStart(); w.string("example.com"); w.string("*.example.com"); w.arrayEnd()
        w.key("empty"); w.arrayStart(); w.arrayEnd()
        w.key("nested"); w.objectStart(); w.key("a"); w.arrayStart(); w.objectStart(); w.objectEnd(); w.objectStart(); w.objectEnd(); w.arrayEnd(); w.objectEnd()
        w.key("n"); w.int(90)
        w.key("d"); w.double(1.5)
        w.key("t"); w.bool(true)
        w.key("f"); w.bool(false)
        w.key("z"); w.null()
        w.objectEnd()
        #expect(text(w) == #"{"id":"abc","hosts":["example.com","*.example.com"],"empty":[],"nested":{"a":[{},{}]},"n":90,"d":1.5,"t":true,"f":false,"z":null}"#)
    }

    @Test func joinedStringsAreWrittenAsValuesEscapedWhenNeeded() {
        var w = JSONWriter(reserving: 8)
        w.arrayStart(); w.int(1)
        w.strings(joined: "example.com,,*.example.com,", separator: UInt8(ascii: ","))
        w.arrayEnd()
        w.arrayStart(); w.strings(joined: #"a"b,c\d"#, separator: UInt8(ascii: ",")); w.arrayEnd()
        w.arrayStart(); w.strings(joined: "", separator: UInt8(ascii: ",")); w.arrayEnd()
        #expect(text(w) == #"[1,"example.com","*.example.com"],["a\"b","c\\d"],[]"#)
    }

    @Test func openingsCarryTheirOwnCommas() {
        var w = JSONWriter()
        w.opening(#"{"a":"#); w.int(1)
        w.opening(#","b":["#); w.int(2); w.int(3); w.arrayEnd()
        w.objectEnd()
        #expect(text(w) == #"{"a":1,"b":[2,3]}"#)
    }

    @Test func topLevelSequenceAndReset() {
        var w = JSONWriter()
        w.arrayStart(); w.int(1); w.arrayStart(); w.int(2); w.int(3); w.arrayEnd(); w.int(4); w.arrayEnd()
        #expect(text(w) == "[1,[2,3],4]")
        w.reset()
        #expect(w.bytes.isEmpty)
        w.string("x")
        #expect(text(w) == #""x""#)
    }

    @Test func escapesStrings() {
        var w = JSONWriter()
        w.string(String("q\" b\\ s/ \u{8}\u{C}\n\r\t \u{0}\u{1}\u{1F} \u{7F} é😀 \u{2028}"))
        #expect(text(w) == "\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0000\\u0001\\u001f \u{7F} é😀 \u{2028}\"")
        var plain = JSONWriter()
        plain.string("no escapes at all, just text: example.com")
        #expect(text(plain) == "\"no escapes at all, just text: example.com\"")
        var keys = JSONWriter()
        keys.objectStart(); keys.key(String("a\"b")); keys.string(Substring("xy\nz").dropFirst()); keys.objectEnd()
        #expect(text(keys) == #"{"a\"b":"y\nz"}"#)
    }

    @Test func staticStringOverloads() {
        // Compile-time keys and values are written as they are (they must need no escaping).
        var w = JSONWriter()
        let k: StaticString = "key"
        let s: StaticString = "value/é"
        let r: StaticString = #"{"pre":true}"#
        w.objectStart(); w.key(k); w.string(s); w.key("r"); w.raw(r); w.objectEnd()
        #expect(text(w) == #"{"key":"value/é","r":{"pre":true}}"#)
    }

    @Test func writesIntegers() {
        for v in [0, 1, -1, 9, 10, -10, 99, 100, 1_234_567_890, Int.max, Int.min, Int.min + 1] {
            var w = JSONWriter()
            w.int(v)
            #expect(text(w) == String(v))
        }
    }

    @Test func writesDoubles() throws {
        let cases: [(Double, String)] = [
            (1.5, "1.5"), (90, "90.0"), (-0.0, "-0.0"), (0, "0.0"), (-3, "-3.0"), (0.1, "0.1"), (1e16, "1e+16"),
            (999_999_999_999_999, "999999999999999.0"), (1e15, "1000000000000000.0"), (1e-7, "1e-07"),
            (Double.leastNonzeroMagnitude, "5e-324"), (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
            (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        ]
        for (v, expected) in cases {
            var w = JSONWriter()
            w.double(v)
            #expect(text(w) == expected)
            if v.isFinite {
                // Valid JSON that reads back as the same Double, in both readers.
                #expect(try JSONReader.parse(w.bytes).doubleValue == v)
                #expect((foundation(w.bytes) as? NSNumber)?.doubleValue == v)
            }
        }
    }

    @Test func writesRawFragments() {
        var w = JSONWriter()
        w.arrayStart()
        w.raw(Array(#"{"a":1}"#.utf8))
        w.raw(#"[2]"#.utf8)
        Array("3".utf8).withUnsafeBytes { w.raw($0) }
        w.arrayEnd()
        #expect(text(w) == #"[{"a":1},[2],3]"#)
    }

    @Test func writesNumbersByLiteral() {
        var w = JSONWriter()
        w.arrayStart()
        w.number(JSONNumber(literal: "1e400"))
        w.value(.number(JSONNumber(literal: "90.0")))
        w.number(JSONNumber(literal: "not a number"))  // unchecked literal: never emit invalid JSON
        w.value(.number(JSONNumber(literal: "01")))
        w.arrayEnd()
        #expect(text(w) == "[1e400,90.0,null,null]")
    }

    @Test func serialisesValues() {
        let v: JSONValue = ["b": [1, 2.5, "x", .null, true, [:], []], "a": ["k": "é\n"], "b2": .number(JSONNumber(literal: "-0"))]
        #expect(v.jsonString == #"{"b":[1,2.5,"x",null,true,{},[]],"a":{"k":"é\n"},"b2":-0}"#)
        #expect(v.serialized() == Array(v.jsonString.utf8))
        #expect(v.description == v.jsonString)
        #expect(JSONValue.string("s").jsonString == #""s""#)
        #expect(JSONValue.null.jsonString == "null")
        var w = JSONWriter()
        w.arrayStart(); w.value(v["a"]!); w.value(7); w.arrayEnd()
        #expect(text(w) == #"[{"k":"é\n"},7]"#)
    }

    @Test func serialisesDeepValuesIteratively() throws {
        var v: JSONValue = 1
        for i in 0..<2000 { v = i.isMultiple(of: 2) ? [v] : ["k": v] }
        let bytes = v.serialized()
        #expect(bytes.count == 1 + 1000 * 2 + 1000 * 6)
        #expect(try JSONReader.parse(bytes, maxDepth: 2000) == v)
    }

    @Test func roundTripsThroughOurReader() throws {
        var gen = JSONValueGenerator(rng: SplitMix64(seed: 42))
        for _ in 0..<300 {
            let v = gen.value()
            let bytes = v.serialized()
            let back = try JSONReader.parse(bytes)
            #expect(back == v)
            #expect(back.serialized() == bytes)
        }
    }

    @Test func outputParsesBackWithFoundation() throws {
        var gen = JSONValueGenerator(rng: SplitMix64(seed: 99))
        for _ in 0..<300 {
            let v = gen.value()
            let bytes = v.serialized()
            let f = try #require(foundation(bytes), "Foundation rejected \(String(decoding: bytes, as: UTF8.self))")
            #expect(sameValue(v, f), "\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    @Test func readsFoundationOutput() throws {
        var gen = JSONValueGenerator(rng: SplitMix64(seed: 5))
        for _ in 0..<200 {
            // Foundation's own writer (it escapes "/" as "\/", orders keys its way) → our reader.
            let f = try #require(foundation(gen.value().serialized()))
            let data = try JSONSerialization.data(withJSONObject: f, options: [.fragmentsAllowed])
            #expect(sameValue(try JSONReader.parse(Array(data)), f), "\(String(decoding: data, as: UTF8.self))")
        }
    }
}
