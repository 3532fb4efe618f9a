import ASCIIBytes

/// The bytes a JSON string cannot hold as they are (RFC 8259 §7), tested eight at a time:
/// one definition for the reader's scan of a string and the writer's search for escapes.
enum JSONStringLanes {
    /// Flags the lanes of `word` holding a control byte (below 0x20), a quote or a backslash.
    @inline(__always)
    static func needingEscape(in word: UInt64) -> UInt64 {
        ByteLanes.below(0x20, in: word)
            | ByteLanes.equal(to: UInt8(ascii: "\""), in: word)
            | ByteLanes.equal(to: UInt8(ascii: "\\"), in: word)
    }
}
