import ASCIIBytes
/// A JSON number, kept as its exact source text so nothing is lost or rounded
/// until a caller asks for a particular representation.
///
/// `==` compares literals: `90`, `90.0` and `9e1` are different literals with
/// the same `exactInteger`.
public struct JSONNumber: Sendable, Hashable {
    /// The number's text, e.g. `-12.5e3`. Valid JSON grammar when produced by
    /// `JSONReader` or the non-`literal:` initialisers.
    public var literal: String

    /// Wraps `literal` without checking it; see `init?(validating:)`.
    @inlinable
    public init(literal: String) { self.literal = literal }

    /// Wraps `literal` if it is a valid RFC 8259 number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`).
    public init?(validating literal: String) {
        guard JSONNumber.isValidLiteral(literal) else { return nil }
        self.literal = literal
    }

    /// The integer's decimal text.
    public init<T: BinaryInteger>(_ value: T) { self.literal = String(value) }

    /// The shortest text that reads back as `value`; `nil` for NaN and infinities.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        self.literal = value.description
    }

    /// The nearest `Double` (±infinity beyond its range, ±0 below it;
    /// NaN only for a literal that is not a number at all).
    public var doubleValue: Double { Double(literal) ?? .nan }

    /// True when the literal has neither a fraction nor an exponent (`90`, `-0`).
    public var isIntegerLiteral: Bool {
        !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value when it is mathematically an integer representable as `Int`:
    /// `90`, `90.0`, `9e1` and `900e-1` all give 90; `90.5`, `1e400` and
    /// `1e-400` give `nil`; `-0` gives 0. Exact: no floating point involved.
    public var exactInteger: Int? {
        var text = literal
        return text.withUTF8 { JSONNumber.exactInteger(literal: UnsafeRawBufferPointer($0)) }
    }

    // MARK: - Implementation

    static func isValidLiteral(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { JSONNumber.validLength(UnsafeRawBufferPointer($0), from: 0) == $0.count }
    }

    /// Length of the longest valid number prefix starting at `from`, or nil if none.
    static func validLength(_ b: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let digit = ASCII.isDigit
        var i = start
        let n = b.count
        if i < n, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, digit(b[i]) else { return nil }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < n, digit(b[i]) { i += 1 }
        }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, digit(b[i]) else { return nil }
            while i < n, digit(b[i]) { i += 1 }
        }
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, digit(b[i]) else { return nil }
            while i < n, digit(b[i]) { i += 1 }
        }
        return i - start
    }

    /// `exactInteger` of a valid literal given as its UTF-8 bytes (as `JSONValueSource.readNumber`
    /// hands it over), so no JSONNumber need be made.
    public static func exactInteger(literal b: UnsafeRawBufferPointer) -> Int? {
        let n = b.count
        var i = 0
        var negative = false
        if i < n, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        // Integer digits [intStart, intEnd), fraction digits [fracStart, fracEnd).
        let intStart = i
        while i < n, ASCII.isDigit(b[i]) { i += 1 }
        let intEnd = i
        guard intEnd > intStart else { return nil }
        var fracStart = i, fracEnd = i
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < n, ASCII.isDigit(b[i]) { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart else { return nil }
        }
        var exponent = 0
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            while i < n, ASCII.isDigit(b[i]) {
                // Saturate: anything this large is out of range (or zero) anyway.
                if exponent < 1_000_000_000 { exponent = exponent * 10 + Int(ASCII.digitValue(b[i])) }
                i += 1
            }
            guard i > expStart else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == n else { return nil }

        // The mantissa's digits, integer then fraction, read as one sequence.
        let intCount = intEnd - intStart
        let total = intCount + (fracEnd - fracStart)
        @inline(__always) func digit(_ k: Int) -> UInt8 {
            ASCII.digitValue(k < intCount ? b[intStart + k] : b[fracStart + k - intCount])
        }
        var first = 0
        while first < total, digit(first) == 0 { first += 1 }
        if first == total { return 0 }  // zero, whatever the exponent or sign
        var last = total - 1
        while digit(last) == 0 { last -= 1 }
        // value = digits[first...last] × 10^scale
        let scale = exponent - (fracEnd - fracStart) + (total - 1 - last)
        let significant = last - first + 1
        guard scale >= 0, significant + scale <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for k in first...last { magnitude = magnitude * 10 + UInt64(digit(k)) }  // ≤ 19 digits: no overflow
        for _ in 0..<scale {
            let (m, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            magnitude = m
        }
        if negative {
            if magnitude <= UInt64(Int.max) { return -Int(magnitude) }
            if magnitude == UInt64(Int.max) + 1 { return Int.min }
            return nil
        }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }
}

extension JSONNumber: ExpressibleByIntegerLiteral, CustomStringConvertible {
    public init(integerLiteral value: Int) { self.init(value) }
    public var description: String { literal }
}
