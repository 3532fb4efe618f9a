/// Bytes written one after another into memory the caller provides and sized (a stack
/// buffer for a log line), without an array's uniqueness and capacity checks on every
/// append. Writing past the end stops the process rather than corrupting memory.
@usableFromInline
package struct ByteWriter {
    // Inlined into callers in other modules: a log line makes about twenty of these calls.
    @usableFromInline let buffer: UnsafeMutableBufferPointer<UInt8>
    @usableFromInline package internal(set) var count = 0

    @inlinable
    package init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    /// What has been written so far.
    @inlinable
    package var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buffer[..<count]) }

    @inlinable
    package mutating func put(_ byte: UInt8) {
        precondition(count < buffer.count, "ByteWriter is full")
        buffer[count] = byte
        count += 1
    }

    @inlinable
    package mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= buffer.count - count, "ByteWriter is full")
        guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
        (target + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inlinable
    package mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { put($0) }
    }

    @inlinable
    package mutating func put(_ text: some StringProtocol) {
        ASCII.withUTF8(text) { put($0) }
    }

    /// `value` in decimal ("-12", "0", "404").
    @inlinable
    package mutating func putDecimal(_ value: Int) {
        ASCII.withDecimal(value) { put($0) }
    }

    /// `value` rounded to exactly `places` decimals ("1.50", "0.04", "-0.5").
    @inlinable
    package mutating func putFixed(_ value: Double, places: Int) {
        ASCII.withFixed(value, places: places) { put($0) }
    }

    /// Lets `fill` write exactly `count` bytes in place (text the caller formats itself).
    @inlinable
    package mutating func put(count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        precondition(count <= buffer.count - self.count, "ByteWriter is full")
        fill(UnsafeMutableBufferPointer(rebasing: buffer[self.count..<self.count + count]))
        self.count += count
    }
}
