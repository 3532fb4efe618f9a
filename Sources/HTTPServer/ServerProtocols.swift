/// Where protocols other than HTTP/1.1 plug into a connection.
///
/// A connection starts by sniffing its first bytes (`ProtocolSniffer`): the HTTP/2
/// connection preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, RFC 9113 §3.4) selects
/// `http2PriorKnowledge`, a first byte of 0x16 (a TLS handshake record) would select
/// TLS, anything else is HTTP/1.1. Inside HTTP/1.1, a request with `Upgrade: h2c`
/// and `HTTP2-Settings` goes to `http2Upgrade` (RFC 7540 §3.2).
///
/// Both are nil until an HTTP/2 session exists; then the preface is answered as
/// HTTP/1.1 would (505, its version is not 1.x) and Upgrade is ignored (RFC 9110
/// §7.8: a server MAY ignore it), which is what this server always did.
struct ServerProtocols: Sendable {
    /// Makes the protocol handler for a connection that opened with the HTTP/2
    /// preface. The handler then receives every byte, the preface included.
    var http2PriorKnowledge: (@Sendable (any ConnectionTransport) -> any ConnectionProtocolHandler)?

    /// Asked for an HTTP/1.1 request that carries `Upgrade: h2c`: returns the HTTP/2
    /// handler to switch to (it answers the request on stream 1, RFC 7540 §3.2), or
    /// nil to answer it over HTTP/1.1. When it returns one, `HTTP1Session` writes
    /// `101 Switching Protocols` and calls `transport.switchProtocol(to:replaying:)`
    /// with the bytes read past the request (the client's preface, usually).
    var http2Upgrade: (@Sendable (any ConnectionTransport, HTTPRequest) -> (any ConnectionProtocolHandler)?)?

    init(
        http2PriorKnowledge: (@Sendable (any ConnectionTransport) -> any ConnectionProtocolHandler)? = nil,
        http2Upgrade: (@Sendable (any ConnectionTransport, HTTPRequest) -> (any ConnectionProtocolHandler)?)? = nil
    ) {
        self.http2PriorKnowledge = http2PriorKnowledge
        self.http2Upgrade = http2Upgrade
    }
}
