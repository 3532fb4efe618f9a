/// Packs by id and, per zone, in order of creation (so a page of a list is a
/// slice, whatever the zone holds). Not thread-safe: `CertificatePackService` owns it under its lock.
struct PackStore {
    private(set) var packs: [String: CertificatePack] = [:]
    /// Ids per zone in creation order.
    private(set) var order: [String: [String]] = [:]

    /// Lookups accept a pack id with or without UUID dashes.
    static func key(_ id: some StringProtocol) -> String {
        id.contains("-") ? String(id.filter { $0 != "-" }) : String(id)
    }

    func pack(_ id: some StringProtocol, zoneID: String) -> CertificatePack? {
        guard let pack = packs[Self.key(id)], pack.zoneID == zoneID else { return nil }
        return pack
    }

    mutating func insert(_ pack: CertificatePack) {
        packs[Self.key(pack.id)] = pack
        order[pack.zoneID, default: []].append(pack.id)
    }

    mutating func update(_ pack: CertificatePack) {
        packs[Self.key(pack.id)] = pack
    }

    @discardableResult
    mutating func remove(_ id: some StringProtocol, zoneID: String) -> CertificatePack? {
        guard let pack = pack(id, zoneID: zoneID) else { return nil }
        packs[Self.key(id)] = nil
        order[zoneID]?.removeAll { $0 == pack.id }
        return pack
    }

    func ids(inZone zoneID: String) -> [String] { order[zoneID] ?? [] }

    func count(inZone zoneID: String) -> Int { order[zoneID]?.count ?? 0 }

    mutating func removeAll() {
        packs.removeAll()
        order.removeAll()
    }

    mutating func removeAll(inZone zoneID: String) {
        for id in order[zoneID] ?? [] { packs[Self.key(id)] = nil }
        order[zoneID] = nil
    }
}
