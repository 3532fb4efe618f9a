import Foundation
import StrictJSON
import TestSupport

extension Array where Element == UInt8 {
    init(_ text: StaticString) { self = Array(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
}

/// Parses with our reader, returning the error instead of throwing.
func ours(_ bytes: [UInt8], maxDepth: Int = 512) -> Result<JSONValue, JSONParseError> {
    Result { () throws(JSONParseError) in try JSONReader.parse(bytes, maxDepth: maxDepth) }
}

/// Parses with Foundation, fragments allowed.
func foundation(_ bytes: [UInt8]) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
}

func isFoundationBool(_ f: Any) -> Bool { String(describing: type(of: f)) == "__NSCFBoolean" }

/// Whether our value and Foundation's object are the same JSON value.
///
/// Strings compare by Unicode scalars (Swift's `==` would equate canonically
/// equivalent strings); numbers compare as doubles, integers exactly, and
/// NSDecimalNumber (Foundation's choice for long literals) to 12 significant digits.
/// Objects compare by key with the LAST duplicate winning, as Foundation keeps.
func sameValue(_ v: JSONValue, _ f: Any) -> Bool {
    switch v {
    case .null:
        return f is NSNull
    case .bool(let b):
        return isFoundationBool(f) && (f as! NSNumber).boolValue == b
    case .number(let n):
        guard let fn = f as? NSNumber, !isFoundationBool(f) else { return false }
        if let dec = fn as? NSDecimalNumber {
            let a = n.doubleValue, b = dec.doubleValue
            return a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b))
        }
        let type = String(cString: fn.objCType)
        if type != "d" && type != "f", type != "Q", let exact = n.exactInteger {
            return fn.int64Value == Int64(exact)
        }
        return fn.doubleValue == n.doubleValue
    case .string(let s):
        guard let fs = f as? String else { return false }
        return Array(s.unicodeScalars) == Array(fs.unicodeScalars)
    case .array(let a):
        guard let fa = f as? [Any], fa.count == a.count else { return false }
        return zip(a, fa).allSatisfy { sameValue($0, $1) }
    case .object(let o):
        guard let fd = f as? [String: Any], Set(o.keys.map { Array($0.utf8) }).count == fd.count else { return false }
        return fd.allSatisfy { k, fv in o[k].map { sameValue($0, fv) } ?? false }
    }
}

/// `v` with one leading U+FEFF removed from every string and key: Foundation
/// silently drops an unescaped U+FEFF at the start of a string.
func droppingLeadingBOMs(_ v: JSONValue) -> JSONValue {
    func strip(_ s: String) -> String { s.unicodeScalars.first == "\u{FEFF}" ? String(s.unicodeScalars.dropFirst()) : s }
    switch v {
    case .string(let s): return .string(strip(s))
    case .array(let a): return .array(a.map(droppingLeadingBOMs))
    case .object(let o): return .object(JSONObject(o.members.map { (key: strip($0.key), value: droppingLeadingBOMs($0.value)) }))
    default: return v
    }
}

/// Does `v` contain a number too large for a Double (Foundation rejects those)?
func containsNonFiniteNumber(_ v: JSONValue) -> Bool {
    switch v {
    case .number(let n): return !n.doubleValue.isFinite
    case .array(let a): return a.contains(where: containsNonFiniteNumber)
    case .object(let o): return o.members.contains { containsNonFiniteNumber($0.value) }
    default: return false
    }
}

// MARK: - Generators

/// Random valid JSON *text*, exercising the grammar (whitespace, escapes,
/// surrogate pairs, raw UTF-8, exponents, huge literals).
struct JSONTextGenerator {
    var rng: SplitMix64

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    mutating func whitespace() -> String {
        chance(0.7) ? "" : ["", " ", "\n", "\t", "\r\n  ", "  "][int(0...5)]
    }

    mutating func number() -> String {
        var s = chance(0.3) ? "-" : ""
        if chance(0.25) {
            s += "0"
        } else {
            s += String(int(1...9))
            let extra = chance(0.1) ? int(15...25) : int(0...6)  // sometimes beyond Int64
            for _ in 0..<extra { s += String(int(0...9)) }
        }
        if chance(0.35) {
            s += "."
            for _ in 0..<int(1...8) { s += String(int(0...9)) }
        }
        if chance(0.3) {
            s += chance(0.5) ? "e" : "E"
            if chance(0.6) { s += chance(0.5) ? "+" : "-" }
            s += String(chance(0.15) ? int(309...999) : int(0...30))  // sometimes beyond Double
        }
        return s
    }

    mutating func stringBody() -> String {
        var s = ""
        for _ in 0..<int(0...8) {
            switch int(0...9) {
            case 0...3: s += String(UnicodeScalar(UInt8(int(0x20...0x7E))))
                .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            case 4: s += ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][int(0...7)]
            case 5: s += String(format: "\\u%04x", int(0...0x7F))
            case 6: s += String(format: chance(0.5) ? "\\u%04X" : "\\u%04x", [int(0x80...0xD7FF), int(0xE000...0xFFFF)][int(0...1)])
            case 7:
                let scalar = int(0x10000...0x10FFFF) - 0x10000
                s += String(format: "\\u%04X\\u%04x", 0xD800 + (scalar >> 10), 0xDC00 + (scalar & 0x3FF))
            case 8: s += ["é", "€", "😀", "中", "\u{7F}", "\u{10FFFF}", "\u{80}", "\u{FFFF}"][int(0...7)]
            default: s += "host.example.com"
            }
        }
        return s
    }

    mutating func value(depth: Int = 0) -> String {
        let kind = depth >= 4 ? int(0...5) : int(0...7)
        switch kind {
        case 0: return "null"
        case 1: return chance(0.5) ? "true" : "false"
        case 2, 3: return number()
        case 4, 5: return "\"" + stringBody() + "\""
        case 6:
            let items = (0..<int(0...4)).map { _ in whitespace() + value(depth: depth + 1) + whitespace() }
            return "[" + (items.isEmpty ? whitespace() : items.joined(separator: ",")) + "]"
        default:
            var keys = (0..<int(0...4)).map { _ in stringBody() }
            if !keys.isEmpty, chance(0.2) { keys.append(keys[0]) }  // a duplicate key
            let members = keys.map { k in whitespace() + "\"" + k + "\"" + whitespace() + ":" + whitespace() + value(depth: depth + 1) + whitespace() }
            return "{" + (members.isEmpty ? whitespace() : members.joined(separator: ",")) + "}"
        }
    }

    /// Random byte-level damage: replace, delete, insert, duplicate, truncate,
    /// swap, plus the inputs where Foundation is known to be lenient (a comma
    /// before a closing bracket, a byte order mark, UTF-16, a stray 0x00).
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        let interesting: [UInt8] = Array("{}[],:\"\\01-+.eEtnfu/ ".utf8) + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF4, 0xF5, 0xFF]
        var b = input
        for _ in 0..<int(1...3) {
            guard !b.isEmpty else { b.append(interesting[int(0...interesting.count - 1)]); continue }
            let p = int(0...b.count - 1)
            switch int(0...8) {
            case 0: b[p] = interesting[int(0...interesting.count - 1)]
            case 1: b.remove(at: p)
            case 2: b.insert(interesting[int(0...interesting.count - 1)], at: p)
            case 3: let q = min(b.count, p + int(1...6)); b.insert(contentsOf: b[p..<q], at: q)
            case 4: b.removeSubrange(p...)
            case 5: b.swapAt(p, int(0...b.count - 1))
            case 6:  // a trailing comma
                if let close = b.indices.filter({ b[$0] == UInt8(ascii: "]") || b[$0] == UInt8(ascii: "}") }).randomElement(using: &rng) {
                    b.insert(UInt8(ascii: ","), at: close)
                }
            case 7:
                switch int(0...2) {
                case 0: b.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: 0)
                case 1 where b.allSatisfy({ $0 < 0x80 }): b = b.flatMap { [$0, 0x00] }  // ASCII as UTF-16LE
                default: b.insert(0x00, at: min(b.count, int(0...3)))
                }
            default: b.insert(contentsOf: Array(#" \u00"#.utf8), at: p)
            }
        }
        return b
    }
}

/// Random `JSONValue`s for writer round trips.
struct JSONValueGenerator {
    var rng: SplitMix64

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

    mutating func string() -> String {
        // No decomposed "e\u{301}": Foundation's [String: Any] would merge it with "é".
        let pieces = ["a", "Z", " ", "\"", "\\", "/", "\n", "\t", "\r", "\u{8}", "\u{C}", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "é", "😀", "中", "\u{2028}", "example.com"]
        return (0..<int(0...10)).map { _ in pieces[int(0...pieces.count - 1)] }.joined()
    }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch depth >= 4 ? int(0...5) : int(0...7) {
        case 0: return .null
        case 1: return .bool(int(0...1) == 1)
        case 2:
            switch int(0...3) {
            case 0: return .number(JSONNumber([Int.min, Int.max, 0, -1, 90][int(0...4)]))
            case 1: return .number(JSONNumber(int(-1_000_000...1_000_000)))
            case 2:
                var d: Double
                repeat { d = Double(bitPattern: rng.next()) } while !d.isFinite
                return .number(JSONNumber(d)!)
            default: return .number(JSONNumber(Double(int(-100_000...100_000)) / 64)!)
            }
        case 3, 4: return .string(string())
        case 5:
            var o = JSONObject()
            for _ in 0..<int(0...4) { o.append(key: string(), value: value(depth: depth + 1)) }
            return .object(o)
        default:
            return .array((0..<int(0...4)).map { _ in value(depth: depth + 1) })
        }
    }
}
