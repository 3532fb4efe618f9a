import Sockets

/// Bytes a connection accepted for sending that the socket has not taken yet, in
/// order, in one contiguous buffer (sent from `offset`), so what piled up goes out
/// with one send: answers held for the turn's log lines, or a backlog after EAGAIN.
///
/// Bounded by its producers: they stop (HTTP/1.1 stops reading requests) while
/// `count` is at or over `highWater`, so a client that never reads cannot make the
/// server buffer without limit.
struct OutboundBuffer {
    /// Producers pause at this many queued bytes.
    static let highWater = 1 << 20
    /// Emptied storage up to this size is kept for the connection's next answers;
    /// larger is freed, so an idle connection does not sit on a big buffer.
    static let keptCapacity = 4 * 1024

    private var bytes: [UInt8] = []
    private var offset = 0

    var count: Int { bytes.count - offset }
    var isEmpty: Bool { count == 0 }
    var isOverHighWater: Bool { count >= OutboundBuffer.highWater }

    mutating func append(_ more: UnsafeRawBufferPointer) {
        guard !more.isEmpty else { return }
        // Sent bytes are dropped from the front before the buffer would grow past them.
        if offset > 0, offset >= bytes.count / 2 {
            bytes.removeFirst(offset)
            offset = 0
        }
        bytes.append(contentsOf: more)
    }

    mutating func removeAll() {
        bytes = []
        offset = 0
    }

    /// Hands the queued bytes to `send` until it takes less than offered (the socket
    /// is full) or everything is gone; returns how many bytes it took.
    mutating func drain(_ send: (UnsafeRawBufferPointer) throws -> IOResult<Int>) rethrows -> Int {
        var taken = 0
        while offset < bytes.count {
            let offered = bytes.count - offset
            let result = try bytes.withUnsafeBytes { raw in
                try send(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            guard case .processed(let sent) = result else { break }
            taken += sent
            offset += sent
            if sent < offered { break }
        }
        if offset == bytes.count {
            bytes.removeAll(keepingCapacity: bytes.capacity <= OutboundBuffer.keptCapacity)
            offset = 0
        }
        return taken
    }
}
