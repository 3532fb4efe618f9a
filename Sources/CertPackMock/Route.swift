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
        var segments = path.split(separator: "/", omittingEmptySubsequences: false)
        // Leading "" from the initial slash; one trailing slash is tolerated.
        guard segments.first == "" else { self = .unknown; return }
        segments.removeFirst()
        if segments.count > 1, segments.last == "" { segments.removeLast() }
        if segments.first.map({ $0 == Route.controlPrefix }) == true {
            self = .control(Array(segments.dropFirst()))
            return
        }
        if segments.count >= 2, segments[0] == "client", segments[1] == "v4" { segments.removeFirst(2) }
        guard segments.count >= 4, segments[0] == "zones", segments[2] == "ssl", segments[3] == "certificate_packs" else {
            self = .unknown
            return
        }
        let zone = segments[1]
        switch segments.count {
        case 4: self = .listPacks(zone: zone)
        case 5 where segments[4] == "order": self = .orderPack(zone: zone)
        case 5 where segments[4] == "quota": self = .quota(zone: zone)
        case 5: self = .pack(zone: zone, id: segments[4])
        default: self = .unknown
        }
    }
}
