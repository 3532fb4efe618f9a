/// What a request path names. Matching walks the path's segments once; no regex.
enum Route: Equatable {
    case listPacks(zone: Substring)
    case orderPack(zone: Substring)
    case quota(zone: Substring)
    case pack(zone: Substring, id: Substring)
    /// `/__mock/...`, with the segments after the prefix.
    case control([Substring])
    case unknown

    static let controlPrefix = "__mock"

    /// Cloudflare routes are served under `/client/v4` (so an SDK base URL works) and at the root (the seed's path).
    init(path: Substring) {
        var segments = Self.segments(of: path)
        guard let first = segments.first, first.isEmpty else { self = .unknown; return }
        segments.removeFirst()
        // One trailing slash is tolerated.
        if segments.count > 1, segments.last?.isEmpty == true { segments.removeLast() }
        if let head = segments.first, Self.equals(head, "__mock") {
            self = .control(Array(segments.dropFirst()))
            return
        }
        var s = segments[...]
        if s.count >= 2, Self.equals(s[s.startIndex], "client"), Self.equals(s[s.startIndex + 1], "v4") { s = s.dropFirst(2) }
        let i = s.startIndex
        guard s.count >= 4, Self.equals(s[i], "zones"), Self.equals(s[i + 2], "ssl"), Self.equals(s[i + 3], "certificate_packs") else {
            self = .unknown
            return
        }
        let zone = s[i + 1]
        switch s.count {
        case 4: self = .listPacks(zone: zone)
        case 5 where Self.equals(s[i + 4], "order"): self = .orderPack(zone: zone)
        case 5 where Self.equals(s[i + 4], "quota"): self = .quota(zone: zone)
        case 5: self = .pack(zone: zone, id: s[i + 4])
        default: self = .unknown
        }
    }

    /// Splits on "/" scanning bytes (Character-level splitting costs grapheme breaking).
    private static func segments(of path: Substring) -> [Substring] {
        var result: [Substring] = []
        result.reserveCapacity(8)
        let utf8 = path.utf8
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            if utf8[i] == UInt8(ascii: "/") {
                result.append(path[start..<i])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        result.append(path[start..<utf8.endIndex])
        return result
    }

    private static func equals(_ segment: Substring, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { segment.utf8.elementsEqual($0) }
    }
}
