import Sockets

/// Bytes a connection accepted for sending that the socket has not taken yet, in
/// order, as whole chunks (the first one sent up to `offset`).
///
/// Bounded by its producers: they stop (HTTP/1.1 stops reading requests) while
/// `count` is at or over `highWater`, so a client that never reads cannot make the
/// server buffer without limit.
struct OutboundBuffer {
    /// Producers pause at this many queued bytes.
    static let highWater = 1 << 20

    private var chunks: [[UInt8]] = []
    private var offset = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }
    var isOverHighWater: Bool { count >= OutboundBuffer.highWater }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        chunks.append(Array(bytes))
        count += bytes.count
    }

    mutating func removeAll() {
        chunks = []
        offset = 0
        count = 0
    }

    /// Hands the queued bytes to `send` chunk by chunk until it takes less than
    /// offered (the socket is full) or everything is gone; returns how many bytes it took.
    mutating func drain(_ send: (UnsafeRawBufferPointer) throws -> IOResult<Int>) rethrows -> Int {
        var taken = 0
        while let chunk = chunks.first {
            let result = try chunk.withUnsafeBytes { raw in
                try send(UnsafeRawBufferPointer(rebasing: raw[offset...]))
            }
            guard case .processed(let sent) = result else { break }
            taken += sent
            count -= sent
            offset += sent
            if offset == chunk.count {
                chunks.removeFirst()
                offset = 0
            } else {
                break
            }
        }
        return taken
    }
}
