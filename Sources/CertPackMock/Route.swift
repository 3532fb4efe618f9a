import ASCIIBytes
import CertificatePacks
#if canImport(Glibc)
import Glibc
#endif

/// What a request path names. Matching walks the path's segments once; no regex.
enum Route: Equatable {
    case listPacks(zone: Substring)
    case orderPack(zone: Substring)
    case quota(zone: Substring)
    case pack(zone: Substring, id: Substring)
    /// `GET /zones/{zone}/ssl/verification`
    case verifications(zone: Substring)
    /// `PATCH /zones/{zone}/ssl/verification/{pack}`
    case verification(zone: Substring, id: Substring)
    /// `GET /zones/{zone}/dcv_delegation/uuid`
    case dcvDelegationUUID(zone: Substring)
    /// `/__mock/...`, with the segments after the prefix.
    case control([Substring])
    case unknown

    static let controlPrefix = "__mock"

    /// Cloudflare routes are served under `/client/v4` (so an SDK base URL works) and at the root (the seed's path).
    init(path: Substring) {
        self = ASCII.withUTF8(path) { bytes in Route(path: path, bytes: bytes) }
    }

    /// Matches on byte offsets into the path's UTF-8; Substrings are cut only for the
    /// segments the route keeps (Substring index arithmetic costs more than the match).
    /// The segment bounds live on the stack: a route is matched on every request.
    private init(path: Substring, bytes: UnsafeBufferPointer<UInt8>) {
        // Slashes found with memchr, which reads many bytes a step: once to count the
        // segments, once to bound them.
        func slash(from start: Int) -> Int {
            guard start < bytes.count, let base = bytes.baseAddress,
                  let found = memchr(base + start, Int32(UInt8(ascii: "/")), bytes.count - start) else { return bytes.count }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
        var slashes = 0
        var i = slash(from: 0)
        while i < bytes.count { slashes += 1; i = slash(from: i + 1) }
        self = withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: slashes + 1) { storage in
            var start = 0
            for k in 0...slashes {
                let end = slash(from: start)
                storage.initializeElement(at: k, to: start..<end)
                start = end + 1
            }
            return Route(path: path, bytes: bytes, bounds: UnsafeBufferPointer(storage))
        }
    }

    private init(path: Substring, bytes: UnsafeBufferPointer<UInt8>, bounds: UnsafeBufferPointer<Range<Int>>) {
        func segment(_ k: Int) -> Substring {
            let utf8 = path.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: bounds[k].lowerBound)
            return path[lower..<utf8.index(lower, offsetBy: bounds[k].count)]
        }
        func equals(_ k: Int, _ literal: StaticString) -> Bool {
            ASCII.equals(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[bounds[k]])), literal)
        }

        // A path starts with "/", so the first segment is empty; one trailing slash is tolerated.
        guard bounds[0].isEmpty else { self = .unknown; return }
        var end = bounds.count
        if end > 2, bounds[end - 1].isEmpty { end -= 1 }
        if end > 1, equals(1, "__mock") {
            self = .control((2..<end).map(segment))
            return
        }
        var i = 1
        if end - i >= 2, equals(i, "client"), equals(i + 1, "v4") { i += 2 }
        guard end - i >= 3, equals(i, "zones") else {
            self = .unknown
            return
        }
        let zone = segment(i + 1)
        if end - i == 4, equals(i + 2, "dcv_delegation"), equals(i + 3, "uuid") {
            self = .dcvDelegationUUID(zone: zone)
            return
        }
        if end - i >= 4, end - i <= 5, equals(i + 2, "ssl"), equals(i + 3, "verification") {
            self = end - i == 4 ? .verifications(zone: zone) : .verification(zone: zone, id: segment(i + 4))
            return
        }
        guard end - i >= 4, equals(i + 2, "ssl"), equals(i + 3, "certificate_packs") else {
            self = .unknown
            return
        }
        switch end - i {
        case 4: self = .listPacks(zone: zone)
        case 5 where equals(i + 4, "order"): self = .orderPack(zone: zone)
        case 5 where equals(i + 4, "quota"): self = .quota(zone: zone)
        case 5: self = .pack(zone: zone, id: segment(i + 4))
        default: self = .unknown
        }
    }
}
