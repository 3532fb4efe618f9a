/// One request stream of an HTTP/2 connection, from its HEADERS to its response.
/// Owned by its `HTTP2Session` and touched only on the session's queue.
final class HTTP2Stream {
    let id: Int32
    var method: String?
    var path: String?
    var authority: String?
    var headers = HTTPHeaders()
    /// Field lines and bytes seen so far (pseudo-header fields included), counted
    /// even once the limits are passed, so the list is bounded but still decoded
    /// (HPACK state must stay in step with the peer's).
    var fieldCount = 0
    var fieldBytes = 0
    /// The request is refused before it reaches the handler (431 or 413).
    var rejection: HTTPProtocolError?
    /// Content-Length as declared; nghttp2 itself resets the stream when the DATA
    /// received disagrees with it (RFC 9113 §8.1.1).
    var declaredLength: Int?
    var body: [UInt8] = []
    /// A trailer section is being received: its fields are counted, not kept.
    var receivingTrailers = false
    /// The handler has the request (or a response was already submitted).
    var dispatched = false
    var responseSubmitted = false

    /// What the data provider sends, and how much of it went out already.
    var responseBody: [UInt8] = []
    var responseOffset = 0

    init(id: Int32) { self.id = id }
}
