import ASCIIBytes
#if canImport(Glibc)
import Glibc
#endif
/// A fast streaming JSON writer into a growable byte buffer.
///
/// Commas are inserted automatically; the only state is a "needs comma" flag,
/// so the caller is responsible for balancing starts and ends and for calling
/// `key(_:)` before each value inside an object.
///
///     var w = JSONWriter(reserving: 256)
///     w.objectStart()
///     w.key("id"); w.string("abc")
///     w.key("hosts"); w.arrayStart(); w.string("example.com"); w.arrayEnd()
///     w.objectEnd()
///     // w.bytes == Array(#"{"id":"abc","hosts":["example.com"]}"#.utf8)
///
/// Strings are escaped per RFC 8259 (`"`, `\` and U+0000–U+001F; `/` and
/// non-ASCII are written as is).
public struct JSONWriter: ~Copyable, @unchecked Sendable {
    // A raw growable buffer rather than [UInt8]: every append to an array checks its
    // uniqueness and capacity and may retain it; here a write is a bounds check and a store.
    // The writer owns the memory alone (it cannot be copied), hence @unchecked Sendable.
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int
    @usableFromInline var needsComma = false

    /// A writer whose buffer has room for `capacity` bytes before growing.
    @inlinable
    public init(reserving capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (a copy).
    @inlinable public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Empties the writer, keeping its capacity, for reuse.
    @inlinable
    public mutating func reset() {
        count = 0
        needsComma = false
    }

    // MARK: - Structure

    @inlinable
    mutating func separate() {
        if needsComma { put(UInt8(ascii: ",")) }
    }

    @inlinable
    public mutating func objectStart() {
        separate()
        put(UInt8(ascii: "{"))
        needsComma = false
    }

    @inlinable
    public mutating func objectEnd() {
        put(UInt8(ascii: "}"))
        needsComma = true
    }

    @inlinable
    public mutating func arrayStart() {
        separate()
        put(UInt8(ascii: "["))
        needsComma = false
    }

    @inlinable
    public mutating func arrayEnd() {
        put(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes `"k":`; the next call writes the member's value.
    /// (Disfavoured so that string literals take the `StaticString` overload.)
    @inlinable @_disfavoredOverload
    public mutating func key(_ k: String) {
        var k = k
        k.withUTF8 { writeEscaped($0, colon: true) }
        needsComma = false
    }

    /// Writes `"k":` from a compile-time constant, as it is: it must need no escaping
    /// (checked in debug builds). String literals land here, and skip the escape scan.
    @inlinable
    public mutating func key(_ k: StaticString) {
        writePlain(k, colon: true)
        needsComma = false
    }

    // MARK: - Values

    /// Writes a string value, escaped. (Disfavoured so that string literals
    /// take the `StaticString` overload.)
    @inlinable @_disfavoredOverload
    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { writeEscaped($0, colon: false) }
        needsComma = true
    }

    @inlinable @_disfavoredOverload
    public mutating func string(_ s: Substring) {
        var s = s
        s.withUTF8 { writeEscaped($0, colon: false) }
        needsComma = true
    }

    /// Writes a string value from its UTF-8 bytes, escaped.
    @inlinable
    public mutating func string(utf8 s: UnsafeBufferPointer<UInt8>) {
        writeEscaped(s, colon: false)
        needsComma = true
    }

    /// Writes each non-empty piece of `joined` between `separator` bytes as a string value
    /// (an ASCII separator). When nothing in it needs escaping, as in a list of hostnames,
    /// one scan covers every piece and each is copied as it is.
    public mutating func strings(joined: String, separator: UInt8) {
        var joined = joined
        joined.withUTF8 { all in
            let plain = JSONWriter.firstByteNeedingEscape(all, from: 0) == all.count
            var start = 0
            while start < all.count {
                let end = all.baseAddress.flatMap { base in
                    memchr(base + start, Int32(separator), all.count - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) }
                } ?? all.count
                if end > start {
                    let piece = UnsafeBufferPointer(rebasing: all[start..<end])
                    if plain { putQuoted(piece, colon: false) } else { writeEscaped(piece, colon: false) }
                    needsComma = true
                }
                start = end + 1
            }
        }
    }

    /// Writes a compile-time constant as it is: it must need no escaping (checked in
    /// debug builds).
    @inlinable
    public mutating func string(_ s: StaticString) {
        writePlain(s, colon: false)
        needsComma = true
    }

    @inlinable
    public mutating func int(_ v: Int) {
        separate()
        appendDecimal(v)
        needsComma = true
    }

    /// Writes the shortest text that reads back as `v`; NaN and infinities
    /// (which JSON cannot express) are written as `null`.
    @inlinable
    public mutating func double(_ v: Double) {
        separate()
        if !v.isFinite {
            appendStatic("null")
        } else if v.magnitude < 1e15, Double(Int(v)) == v {
            // Integral and small: write "90.0" without going through String.
            if v.sign == .minus { put(UInt8(ascii: "-")) }
            appendDecimal(Int(v.magnitude))
            put(UInt8(ascii: "."))
            put(UInt8(ascii: "0"))
        } else {
            var text = v.description
            text.withUTF8 { put($0) }
        }
        needsComma = true
    }

    @inlinable
    public mutating func bool(_ v: Bool) {
        separate()
        if v { appendStatic("true") } else { appendStatic("false") }
        needsComma = true
    }

    @inlinable
    public mutating func null() {
        separate()
        appendStatic("null")
        needsComma = true
    }

    /// Writes the number's literal; a literal that is not valid JSON (only
    /// possible through `JSONNumber(literal:)`) is written as `null`.
    @inlinable
    public mutating func number(_ n: JSONNumber) {
        separate()
        appendNumber(n)
        needsComma = true
    }

    /// Writes a string value of exactly `byteCount` bytes that `fill` writes straight into
    /// the output, for text the caller formats itself and knows needs no escaping (ASCII
    /// without quote, backslash or control bytes: timestamps, hex). `fill` must write every byte.
    @inlinable
    public mutating func plainString(byteCount: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        separate()
        reserve(byteCount + 2)
        base[count] = UInt8(ascii: "\"")
        fill(UnsafeMutableBufferPointer(start: base + count + 1, count: byteCount))
        base[count + 1 + byteCount] = UInt8(ascii: "\"")
        count += byteCount + 2
        needsComma = true
    }

    /// Writes a pre-serialised JSON fragment verbatim, as one value.
    @inlinable
    public mutating func raw(_ fragment: [UInt8]) {
        separate()
        fragment.withUnsafeBufferPointer { put($0) }
        needsComma = true
    }

    /// Writes a pre-serialised JSON fragment verbatim, as one value.
    @inlinable
    public mutating func raw(_ fragment: UnsafeRawBufferPointer) {
        separate()
        put(fragment.assumingMemoryBound(to: UInt8.self))
        needsComma = true
    }

    /// Writes a pre-serialised JSON fragment verbatim, as one value.
    @inlinable
    public mutating func raw(_ fragment: some Sequence<UInt8>) {
        separate()
        for byte in fragment { put(byte) }
        needsComma = true
    }

    /// Writes a pre-serialised JSON fragment verbatim, as one value.
    @inlinable
    public mutating func raw(_ fragment: StaticString) {
        separate()
        appendStatic(fragment)
        needsComma = true
    }

    /// Writes pre-serialised JSON verbatim that stops where a value is due (after a key's
    /// `:` or an opening `[`), such as an answer's fixed start: one copy instead of a call per
    /// bracket and key. It brings its own commas, the leading one included when one is due.
    @inlinable
    public mutating func opening(_ fragment: StaticString) {
        appendStatic(fragment)
        needsComma = false
    }

    /// Writes a whole value (numbers as their literals, object members in order,
    /// duplicates included). Iterative: any depth is safe.
    public mutating func value(_ v: JSONValue) {
        var stack: [Container] = []
        var current = v
        while true {
            switch current {
            case .null: null()
            case .bool(let b): bool(b)
            case .number(let n): number(n)
            case .string(let s): string(s)
            case .array(let a):
                arrayStart()
                if a.isEmpty { arrayEnd() } else { stack.append(.array(a, 0)) }
            case .object(let o):
                objectStart()
                if o.members.isEmpty { objectEnd() } else { stack.append(.object(o.members, 0)) }
            }
            // Find the next value to write, closing finished containers.
            descend: while let top = stack.popLast() {
                switch top {
                case .array(let a, let index):
                    if index < a.count {
                        current = a[index]
                        stack.append(.array(a, index + 1))
                        break descend
                    }
                    arrayEnd()
                case .object(let m, let index):
                    if index < m.count {
                        key(m[index].key)
                        current = m[index].value
                        stack.append(.object(m, index + 1))
                        break descend
                    }
                    objectEnd()
                }
            }
            if stack.isEmpty { return }
        }
    }

    private enum Container {
        case array([JSONValue], Int)
        case object([(key: String, value: JSONValue)], Int)
    }

    // MARK: - Bytes

    /// Makes room for `n` more bytes.
    @inlinable
    mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inlinable
    mutating func put(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inlinable
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inlinable
    mutating func appendStatic(_ s: StaticString) {
        if s.hasPointerRepresentation {
            put(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        } else {
            s.withUTF8Buffer { put($0) }
        }
    }

    @usableFromInline
    mutating func appendDecimal(_ v: Int) {
        ASCII.withDecimal(v) { put($0) }
    }

    /// Writes `"s"` (and `:` for a key) without looking for bytes to escape.
    @inlinable
    mutating func writePlain(_ s: StaticString, colon: Bool) {
        s.withUTF8Buffer { utf8 in
            assert(JSONWriter.firstByteNeedingEscape(utf8, from: 0) == utf8.count, "\(s) needs escaping")
            putQuoted(utf8, colon: colon)
        }
    }

    /// Writes the comma that is due, `"bytes"` with the bytes as they are, and `:` for a key,
    /// with one capacity check: every key and most values of an answer come through here.
    @inlinable
    mutating func putQuoted(_ bytes: UnsafeBufferPointer<UInt8>, colon: Bool) {
        reserve(bytes.count + 4)
        var end = count
        if needsComma { base[end] = UInt8(ascii: ","); end += 1 }
        base[end] = UInt8(ascii: "\"")
        if let source = bytes.baseAddress { (base + end + 1).update(from: source, count: bytes.count) }
        end += bytes.count + 1
        base[end] = UInt8(ascii: "\"")
        end += 1
        if colon { base[end] = UInt8(ascii: ":"); end += 1 }
        count = end
    }

    /// Writes the comma that is due, `"…"` escaped, and `:` for a key. The common case,
    /// nothing to escape, is one scan and one copy.
    @usableFromInline
    mutating func writeEscaped(_ s: UnsafeBufferPointer<UInt8>, colon: Bool) {
        var k = JSONWriter.firstByteNeedingEscape(s, from: 0)
        if k == s.count {
            putQuoted(s, colon: colon)
            return
        }
        separate()
        put(UInt8(ascii: "\""))
        var runStart = 0
        while k < s.count {
            if k > runStart { put(UnsafeBufferPointer(rebasing: s[runStart..<k])) }
            appendEscape(s[k])
            runStart = k + 1
            k = JSONWriter.firstByteNeedingEscape(s, from: runStart)
        }
        if s.count > runStart { put(UnsafeBufferPointer(rebasing: s[runStart..<s.count])) }
        put(UInt8(ascii: "\""))
        if colon { put(UInt8(ascii: ":")) }
    }

    /// Index of the first quote, backslash or control byte at or after `from`, or `s.count`.
    /// Checks eight bytes at a time (SWAR) before narrowing down.
    @usableFromInline
    static func firstByteNeedingEscape(_ s: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var k = from
        if let base = s.baseAddress {
            while k + 8 <= s.count {
                if JSONStringLanes.needingEscape(in: ByteLanes.load(base + k)) & ByteLanes.highBits != 0 { break }
                k += 8
            }
        }
        while k < s.count {
            let b = s[k]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return k }
            k += 1
        }
        return k
    }

    @usableFromInline
    mutating func appendEscape(_ b: UInt8) {
        put(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): put(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): put(UInt8(ascii: "\\"))
        case 0x08: put(UInt8(ascii: "b"))
        case 0x0C: put(UInt8(ascii: "f"))
        case 0x0A: put(UInt8(ascii: "n"))
        case 0x0D: put(UInt8(ascii: "r"))
        case 0x09: put(UInt8(ascii: "t"))
        default:
            let hex: StaticString = "0123456789abcdef"
            appendStatic("u00")
            put(hex.utf8Start[Int(b >> 4)])
            put(hex.utf8Start[Int(b & 0xF)])
        }
    }

    @usableFromInline
    mutating func appendNumber(_ n: JSONNumber) {
        var literal = n.literal
        literal.withUTF8 { utf8 in
            if JSONNumber.validLength(UnsafeRawBufferPointer(utf8), from: 0) == utf8.count {
                put(utf8)
            } else {
                appendStatic("null")
            }
        }
    }
}
