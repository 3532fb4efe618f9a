import ASCIIBytes

/// Byte classes, list splitting and case-insensitive comparisons for HTTP's grammar;
/// ASCII itself (case folding, digits, hex) comes from ASCIIBytes.
enum HTTPGrammar {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let comma: UInt8 = 0x2C
    static let semicolon: UInt8 = 0x3B

    /// tchar (RFC 9110 §5.6.2): "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    /// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA, as two 64-bit masks.
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        if byte < 64 { return (0x03FF_6CFA_0000_0000 as UInt64) >> UInt64(byte) & 1 == 1 }
        if byte < 128 { return (0x57FF_FFFF_C7FF_FFFE as UInt64) >> UInt64(byte - 64) & 1 == 1 }
        return false
    }

    /// CTLs that may not appear in a field value (RFC 9110 §5.5): everything below
    /// 0x20 except HTAB, and DEL.
    @inline(__always)
    static func isForbiddenInFieldValue(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != tab) || byte == 0x7F
    }

    /// Where in `p[start..<end]` the first byte `isForbiddenInFieldValue` is, if any.
    /// Eight bytes a step: a word with no control byte (HTAB counts as one here) and no
    /// DEL is passed whole, any other is looked at byte by byte.
    static func firstForbiddenInFieldValue(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        if let base = p.baseAddress {
            while i + 8 <= end {
                let word = ByteLanes.load(base + i)
                let suspect = (ByteLanes.below(0x20, in: word) | ByteLanes.equal(to: 0x7F, in: word)) & ByteLanes.highBits
                if suspect != 0 { break }
                i += 8
            }
        }
        while i < end {
            if isForbiddenInFieldValue(p[i]) { return i }
            i += 1
        }
        return nil
    }

    @inline(__always)
    static func isOWS(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// `bytes` equals `lower` (given in lowercase) ignoring ASCII case.
    @inline(__always)
    static func equalsIgnoringCase<C: Collection>(_ bytes: C, _ lower: StaticString) -> Bool where C.Element == UInt8 {
        lower.withUTF8Buffer { expected in
            guard bytes.count == expected.count else { return false }
            var index = expected.startIndex
            for byte in bytes {
                if ASCII.lowercased(byte) != expected[index] { return false }
                index += 1
            }
            return true
        }
    }

    /// Two byte strings equal ignoring ASCII case (either may hold uppercase).
    @inline(__always)
    static func equalsIgnoringCase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where ASCII.lowercased(a[i]) != ASCII.lowercased(b[i]) { return false }
        return true
    }

    /// Two strings equal ignoring ASCII case, without allocating (for contiguous strings).
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        ASCII.withUTF8(a) { a in ASCII.withUTF8(b) { b in equalsIgnoringCase(a, b) } }
    }

    /// Calls `body` with each comma-separated element of a list field value
    /// (RFC 9110 §5.6.1), OWS trimmed; empty elements are passed too.
    static func forEachListElement(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == comma {
                var lo = start, hi = index
                while lo < hi, isOWS(bytes[lo]) { lo += 1 }
                while hi > lo, isOWS(bytes[hi - 1]) { hi -= 1 }
                body(UnsafeBufferPointer(rebasing: bytes[lo..<hi]))
                start = index + 1
            }
            index += 1
        }
    }
}
