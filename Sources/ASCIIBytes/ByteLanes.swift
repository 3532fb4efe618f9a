/// Eight bytes tested at once in one UInt64 (SWAR): each test sets the high bit of the
/// lanes (bytes) that pass it. A borrow from a flagged lane can flag the lane above it
/// too, never one below, so the lowest flagged lane is exact; callers that need every
/// lane exact look at the bytes of a flagged word one by one.
///
/// Public rather than package: as package declarations these stayed calls in the other
/// modules' release builds (callgrind showed `equal(to:in:)` out of line), public ones inline.
public enum ByteLanes {
    // Computed, not stored: a stored static is read through a lazy-initialisation check.
    @inlinable
    static var ones: UInt64 { 0x0101_0101_0101_0101 }
    /// The high bit of every lane: mask a test's result with it.
    @inlinable
    public static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    /// Flags the lanes below `limit` (at most 0x80).
    @inlinable @inline(__always)
    public static func below(_ limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word
    }

    /// Flags the lanes at or above `limit` (1...0x80), for words whose bytes are all below
    /// 0x80: adding 0x80 - limit sets a lane's high bit exactly then, and never carries.
    @inlinable @inline(__always)
    public static func atLeast(_ limit: UInt8, in word: UInt64) -> UInt64 {
        word &+ ones &* UInt64(0x80 - limit)
    }

    /// Flags the lanes equal to `byte`.
    @inlinable @inline(__always)
    public static func equal(to byte: UInt8, in word: UInt64) -> UInt64 {
        below(1, in: word ^ (ones &* UInt64(byte)))
    }

    /// The eight bytes at `pointer`, the first in the lowest lane.
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafeRawPointer) -> UInt64 {
        UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
    }
}
