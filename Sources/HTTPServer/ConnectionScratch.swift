/// Buffers every connection of one `ConnectionQueue` shares: only one of them runs at
/// a time on the serial queue, so one read buffer and one set of serialisation buffers serve
/// them all.
///
/// Thread safety: used only on its queue (by the connections and sessions running
/// there), which makes the `@unchecked Sendable` sound.
final class ConnectionScratch: @unchecked Sendable {
    /// Bytes asked for per recv(2).
    static let readBufferSize = 16 * 1024

    /// Where recv(2) writes; handed to the protocol handler and reused at once.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// HTTP/1.1 response heads are serialised here, then copied out only if a send is partial.
    var responseHead = GrowableBytes()
    /// HTTP/2 output is gathered here, frame after frame, for one send.
    var http2Frames: [UInt8] = []
    var dateCache = HTTPDateCache()

    init() {
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ConnectionScratch.readBufferSize, alignment: 16)
        http2Frames.reserveCapacity(1024)
    }

    deinit {
        readBuffer.deallocate()
    }
}
