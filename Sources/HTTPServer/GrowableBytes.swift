import ASCIIBytes

/// Bytes written one after another into memory that grows and is reused: HTTP/1.1
/// response heads (one per queue) and the request lines of a queue's turn.
///
/// The writer makes room for a run of pieces with one `reserve`, then stores each piece
/// without a check: an Array append per piece cost about 90 instructions, more than most
/// pieces it wrote. Every `append` relies on such a reservation.
struct GrowableBytes: ~Copyable {
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(capacity: Int = 1024) {
        storage = .allocate(byteCount: capacity, alignment: 1)
    }

    deinit { storage.deallocate() }

    /// What was written since the last `removeAll`.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[..<count]) }

    /// How many more bytes fit before the memory must grow.
    var room: Int { storage.count - count }

    mutating func removeAll() { count = 0 }

    /// Room for `more` bytes after the `count` written, growing by doubling.
    @inline(__always)
    mutating func reserve(_ more: Int) {
        if count + more > storage.count { grow(toFit: more) }
    }

    private mutating func grow(toFit more: Int) {
        let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(count + more, 2 * storage.count), alignment: 1)
        grown.copyMemory(from: bytes)
        storage.deallocate()
        storage = grown
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        UnsafeMutableRawBufferPointer(rebasing: storage[count...]).copyMemory(from: bytes)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Lets `format` write at most `capacity` bytes after the others.
    @inline(__always)
    mutating func write(atMost capacity: Int, _ format: (inout ByteWriter) -> Void) {
        reserve(capacity)
        let tail = UnsafeMutableRawBufferPointer(rebasing: storage[count..<count + capacity])
        var w = ByteWriter(tail.bindMemory(to: UInt8.self))
        format(&w)
        count += w.count
    }

    /// At most `maxDecimalLength` bytes.
    mutating func appendDecimal(_ value: Int) {
        ASCII.withDecimal(value) { append(UnsafeRawBufferPointer($0)) }
    }

    /// Int.min in decimal takes 20 bytes.
    static let maxDecimalLength = 20
}
