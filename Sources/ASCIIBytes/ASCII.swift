/// ASCII at the byte level: letters, digits, hex and case folding, written once for the
/// JSON, domain and API modules (HTTPServer keeps its own, with the protocol's byte classes).
/// Every check is a subtraction and a compare, inlined across modules.
@usableFromInline
package enum ASCII {
    @inlinable
    package static func isUppercase(_ c: UInt8) -> Bool { c &- 0x41 < 26 }

    @inlinable
    package static func isLowercase(_ c: UInt8) -> Bool { c &- 0x61 < 26 }

    /// A-Z lowered, every other byte kept.
    @inlinable
    package static func lowercased(_ c: UInt8) -> UInt8 { isUppercase(c) ? c | 0x20 : c }

    @inlinable
    package static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// The value of a decimal digit (the caller has checked `isDigit`).
    @inlinable
    package static func digitValue(_ c: UInt8) -> UInt8 { c &- 0x30 }

    /// The decimal digit for 0...9.
    @inlinable
    package static func decimalDigit(_ value: UInt8) -> UInt8 { 0x30 &+ value }

    @inlinable
    package static func isLetterOrDigit(_ c: UInt8) -> Bool { isDigit(c) || isLowercase(c | 0x20) }

    /// 0-9 and a-f: ids and keys are written in lowercase hex.
    @inlinable
    package static func isLowerHex(_ c: UInt8) -> Bool { isDigit(c) || c &- 0x61 < 6 }

    /// The value of a hex digit of either case (percent-encoding allows both); nil otherwise.
    @inlinable
    package static func hexValue(_ c: UInt8) -> UInt8? {
        if isDigit(c) { return c &- 0x30 }
        let lower = c | 0x20
        return lower &- 0x61 < 6 ? lower &- 0x57 : nil
    }

    /// The lowercase hex digit for a nibble (0...15).
    @inlinable
    package static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble }

    /// Whether `bytes` at `offset` start with `lowercaseLiteral`, ignoring ASCII case.
    @inlinable
    package static func hasPrefixIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ lowercaseLiteral: StaticString) -> Bool {
        let count = lowercaseLiteral.utf8CodeUnitCount
        guard bytes.count - offset >= count else { return false }
        let literal = lowercaseLiteral.utf8Start
        for k in 0..<count where lowercased(bytes[offset + k]) != literal[k] { return false }
        return true
    }

    /// A string with A-Z lowered and every other byte kept (no Unicode case mapping).
    @inlinable
    package static func lowercased(_ s: String) -> String {
        withUTF8(s) { bytes in
            guard bytes.contains(where: isUppercase) else { return s }
            return String(decoding: bytes.map(lowercased), as: UTF8.self)
        }
    }

    /// Whether `bytes` are exactly the literal's. Length first: most candidates differ
    /// there, and a plain byte loop beats a generic elementsEqual over slices.
    @inlinable
    package static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let name = literal.utf8Start
        for j in 0..<bytes.count where bytes[j] != name[j] { return false }
        return true
    }

    /// Calls `body` with the string's UTF-8 bytes: in place when contiguous (native
    /// strings and their substrings), copied otherwise. `@inlinable` so callers in other
    /// modules get a specialised call, not a generic one through protocol witnesses.
    @inlinable
    package static func withUTF8<R>(_ s: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = s.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(s.utf8).withUnsafeBufferPointer(body)
    }
}
