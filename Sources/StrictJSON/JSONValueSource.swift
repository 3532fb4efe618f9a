/// A JSON value that a reader takes piece by piece, so a reader of a few known fields
/// builds nothing it does not need: a string's bytes, a number's literal, an array's
/// elements one by one, or the whole value. Two kinds: a value already built (`JSONValue`)
/// and one still in its input (`JSONValueReader`, during `JSONReader.readMembers`).
///
/// Each `read…` takes the whole value, or nothing when the value is of another type, so
/// the reader can try another; a value is read at most once.
public protocol JSONValueSource: ~Copyable {
    /// Hands the string's UTF-8 bytes, escapes decoded, to `body` (valid only during the
    /// call); false when the value is not a string.
    mutating func readString(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool

    /// Hands the number's literal (`9e1` stays `9e1`) to `body` (valid only during the
    /// call); false when the value is not a number.
    mutating func readNumber(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool

    /// Hands each element to `element`, in order; false when the value is not an array.
    mutating func readArray(_ element: (inout Self) -> Void) -> Bool

    /// The whole value.
    mutating func readValue() -> JSONValue
}

extension JSONValue: JSONValueSource {
    public mutating func readString(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard case .string(var string) = self else { return false }
        string.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        return true
    }

    public mutating func readNumber(_ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard case .number(var number) = self else { return false }
        number.literal.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        return true
    }

    public mutating func readArray(_ element: (inout JSONValue) -> Void) -> Bool {
        guard case .array(let items) = self else { return false }
        for var item in items { element(&item) }
        return true
    }

    public mutating func readValue() -> JSONValue { self }
}
