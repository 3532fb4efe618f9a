import ASCIIBytes
#if canImport(Glibc)
import Glibc
#endif

/// One parsed HTTP/1.x request, body fully read (Content-Length or de-chunked).
package struct HTTPRequest: Sendable {
    /// The method token as sent (case-sensitive, RFC 9110 §9.1).
    package var method: String
    /// The request-target as sent, e.g. `/zones/abc/ssl/certificate_packs?status=all`;
    /// an absolute-form target (`http://host:port/path?query`, RFC 9112 §3.2.2) arrives
    /// reduced to its path and query, so it always starts with `/` except for `*`
    /// (OPTIONS) and the authority-form of CONNECT.
    package var target: String {
        didSet { queryMark = HTTPRequest.queryMark(in: target) }
    }
    /// Where the `?` is, found once: `path` and `query` are read several times per request.
    private var queryMark: String.Index?
    /// The path part of the target (before `?`), not percent-decoded.
    package var path: Substring {
        guard let q = queryMark else { return target[...] }
        return target[..<q]
    }
    /// The query part of the target (after `?`), if any, not percent-decoded.
    package var query: Substring? {
        guard let q = queryMark else { return nil }
        return target[target.utf8.index(after: q)...]
    }
    /// HTTP version as (major, minor), e.g. (1, 1).
    package var version: HTTPVersion
    /// Header fields in arrival order.
    package var headers: HTTPHeaders
    /// The request body (empty when there is none).
    package var body: [UInt8]
    /// Peer address as text ("127.0.0.1:50312", "[::1]:50312"), for logs.
    package var remoteAddress: String
    /// Set when the request came over TLS (HTTPS); nil for cleartext.
    public var tls: TLSConnectionInfo? = nil

    package init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], remoteAddress: String = "") {
        self.method = method
        self.target = target
        self.queryMark = HTTPRequest.queryMark(in: target)
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }
}

extension HTTPRequest {
    /// memchr over the contiguous UTF-8 (Character-level search costs grapheme breaking,
    /// and even a byte loop costs more than the rest of the request's routing).
    private static func queryMark(in target: String) -> String.Index? {
        let offset: Int? = ASCII.withUTF8(target) { bytes in
            guard let base = bytes.baseAddress, let hit = memchr(base, Int32(UInt8(ascii: "?")), bytes.count) else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        return offset.map { target.utf8.index(target.utf8.startIndex, offsetBy: $0) }
    }
}

package struct HTTPVersion: Sendable, Equatable {
    package var major: Int
    package var minor: Int
    package init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    package static let http10 = HTTPVersion(major: 1, minor: 0)
    package static let http11 = HTTPVersion(major: 1, minor: 1)
}
