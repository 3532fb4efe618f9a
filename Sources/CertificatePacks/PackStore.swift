/// Packs in a compact form: fixed-size records in chunks that never move, an
/// index from the id's bits to the record, and per zone the records in order of
/// creation (so a page of a list is a slice, whatever the zone holds). About 170
/// bytes a pack with three hosts; a deleted pack's record is reused by the next order. Not thread-safe: `CertificatePackService` owns it under its lock.
struct PackStore {
    /// One pack as stored; strings are rebuilt only when a pack is read.
    struct Record: Equatable, Sendable {
        var id: PackID
        var zone: UInt32
        /// `HostList.joined`: one allocation for all hosts, shared with the pack it came from.
        var hosts: String
        var startedAt: Double
        var attempt: Int32
        var steps: Int32
        var validityDays: Int16
        var forced: UInt8
        var method: UInt8
        var authority: UInt8
        var scenario: UInt8
        var branding: Bool
        var live: Bool
    }

    private static let chunkSize = 4096
    fileprivate static let noStatus = UInt8.max
    private var chunks: [ContiguousArray<Record>] = []
    private var recordCount = 0
    /// Records of deleted packs, reused before the store grows.
    private var freeRecords: [Int] = []
    private var index = PackIndex()
    private var zoneIDs: [String] = []
    /// Zones as defined (fixtures, control API) by number; nil for a zone known only from
    /// its packs. Kept here rather than in a dictionary of their own so an order finds its
    /// zone's quota and its packs with one lookup of the id.
    private var zoneDefinitions: [Zone?] = []
    private var zoneIndex: [String: UInt32] = [:]
    /// Record numbers per zone, in creation order.
    private var zoneOrder: [[Int]] = []
    private(set) var count = 0

    // Enum cases by position, so records hold one byte each.
    fileprivate static let statuses = PackStatus.allCases
    private static let methods = ValidationMethod.allCases
    private static let authorities = CertificateAuthority.allCases
    fileprivate static let scenarios = FailureScenario.allCases

    func contains(_ id: PackID) -> Bool { index[id.key] != nil }

    func pack(_ id: PackID, zoneID: String) -> CertificatePack? {
        record(id, zoneID: zoneID).map(pack(from:))
    }

    /// A live pack's record, if it is in that zone.
    func record(_ id: PackID, zoneID: String) -> Record? {
        guard let n = index[id.key], let zone = zoneIndex[zoneID] else { return nil }
        let record = self[n]
        guard record.live, record.zone == zone else { return nil }
        return record
    }

    /// The zone a pack lives in.
    func zoneID(of id: PackID) -> String? {
        guard let n = index[id.key] else { return nil }
        let record = self[n]
        return record.live ? zoneIDs[Int(record.zone)] : nil
    }

    mutating func insert(_ pack: CertificatePack) {
        insert(pack, in: slot(ofZone: pack.zoneID))
    }

    /// A zone as the store files it, found by one lookup of its id: an order counts the
    /// zone's packs and stores its pack through the slot instead of hashing the id twice
    /// more. Valid until the store next changes.
    struct ZoneSlot {
        /// Nil until the zone's first pack.
        fileprivate let number: UInt32?
    }

    func slot(ofZone zoneID: String) -> ZoneSlot {
        ZoneSlot(number: zoneIndex[zoneID])
    }

    /// The definition of the zone a slot files, if it has one.
    func zone(in slot: ZoneSlot) -> Zone? {
        slot.number.flatMap { zoneDefinitions[Int($0)] }
    }

    // MARK: Zones

    func zone(_ zoneID: String) -> Zone? {
        zone(in: slot(ofZone: zoneID))
    }

    /// Every defined zone, in no particular order.
    var zones: [Zone] { zoneDefinitions.compactMap { $0 } }

    /// Adds or replaces a zone's definition; its packs stay.
    mutating func define(_ zone: Zone) {
        let number = zoneIndex[zone.id] ?? addZone(zone.id)
        zoneDefinitions[Int(number)] = zone
    }

    /// Forgets a zone's definition (not its packs).
    mutating func removeDefinition(ofZone zoneID: String) {
        guard let number = zoneIndex[zoneID] else { return }
        zoneDefinitions[Int(number)] = nil
    }

    /// `insert` with the slot of `pack.zoneID`, taken since the store last changed.
    mutating func insert(_ pack: CertificatePack, in slot: ZoneSlot) {
        let id = pack.packID
        assert(slot.number == zoneIndex[pack.zoneID], "a stale or foreign zone slot")
        let zone = slot.number ?? addZone(pack.zoneID)
        let n: Int
        if let free = freeRecords.popLast() {
            n = free
            self[n] = record(from: pack, id: id, zone: zone)
        } else {
            n = recordCount
            if n % Self.chunkSize == 0 {
                chunks.append(ContiguousArray())
                chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
            }
            chunks[chunks.count - 1].append(record(from: pack, id: id, zone: zone))
            recordCount += 1
        }
        index[id.key] = n
        zoneOrder[Int(zone)].append(n)
        count += 1
    }

    mutating func update(_ pack: CertificatePack) {
        let id = pack.packID
        guard let n = index[id.key] else { return }
        let zone = self[n].zone
        self[n] = record(from: pack, id: id, zone: zone)
    }

    @discardableResult
    mutating func remove(_ id: PackID, zoneID: String) -> CertificatePack? {
        guard let removed = pack(id, zoneID: zoneID), let n = index[id.key] else { return nil }
        self[n].live = false
        self[n].hosts = ""
        index[id.key] = nil
        freeRecords.append(n)
        let zone = Int(self[n].zone)
        if let position = zoneOrder[zone].lastIndex(of: n) { zoneOrder[zone].remove(at: position) }
        count -= 1
        return removed
    }

    func count(inZone zoneID: String) -> Int {
        count(in: slot(ofZone: zoneID))
    }

    func count(in slot: ZoneSlot) -> Int {
        slot.number.map { zoneOrder[Int($0)].count } ?? 0
    }

    /// Packs of a zone in creation order, `range` taken from that order.
    func packs(inZone zoneID: String, range: Range<Int>? = nil) -> [CertificatePack] {
        guard let zone = zoneIndex[zoneID] else { return [] }
        let order = zoneOrder[Int(zone)]
        let slice = range.map { order[$0.clamped(to: 0..<order.count)] } ?? order[...]
        return slice.map { pack(from: self[$0]) }
    }

    /// Calls `body` for each pack of a zone in creation order without building lists.
    func forEach(inZone zoneID: String, _ body: (CertificatePack) -> Void) {
        guard let zone = zoneIndex[zoneID] else { return }
        for n in zoneOrder[Int(zone)] { body(pack(from: self[n])) }
    }

    var zonesWithPacks: [String] { zoneIDs.enumerated().filter { !zoneOrder[$0.offset].isEmpty }.map(\.element) }

    var allPacks: [CertificatePack] { zonesWithPacks.flatMap { packs(inZone: $0) } }

    /// Forgets every pack; zone definitions stay.
    mutating func removeAll() {
        let zones = self.zones
        self = PackStore()
        for zone in zones { define(zone) }
    }

    mutating func removeAll(inZone zoneID: String) {
        guard let zone = zoneIndex[zoneID] else { return }
        for n in zoneOrder[Int(zone)] {
            index[self[n].id.key] = nil
            self[n].live = false
            self[n].hosts = ""
            freeRecords.append(n)
            count -= 1
        }
        zoneOrder[Int(zone)] = []
    }

    // MARK: Records

    private subscript(n: Int) -> Record {
        get { chunks[n / Self.chunkSize][n % Self.chunkSize] }
        set { chunks[n / Self.chunkSize][n % Self.chunkSize] = newValue }
    }

    /// Numbers a zone the store has not filed yet.
    private mutating func addZone(_ zoneID: String) -> UInt32 {
        let z = UInt32(zoneIDs.count)
        zoneIDs.append(zoneID)
        zoneDefinitions.append(nil)
        zoneIndex[zoneID] = z
        zoneOrder.append([])
        return z
    }

    private func record(from pack: CertificatePack, id: PackID, zone: UInt32) -> Record {
        Record(
            id: id, zone: zone, hosts: pack.hostList.joined,
            startedAt: pack.timeline.startedAt,
            attempt: Int32(clamping: pack.timeline.attempt), steps: Int32(clamping: pack.timeline.steps),
            validityDays: Int16(clamping: pack.validityDays),
            forced: pack.timeline.forcedStatus.flatMap { Self.statuses.firstIndex(of: $0) }.map(UInt8.init) ?? Self.noStatus,
            method: UInt8(Self.methods.firstIndex(of: pack.validationMethod)!),
            authority: UInt8(Self.authorities.firstIndex(of: pack.certificateAuthority)!),
            scenario: UInt8(Self.scenarios.firstIndex(of: pack.scenario)!),
            branding: pack.cloudflareBranding, live: true)
    }

    private func pack(from r: Record) -> CertificatePack {
        Self.pack(from: r, zoneID: zoneIDs[Int(r.zone)])
    }

    /// The pack a record holds; `zoneID` is its zone's (records keep the zone's number).
    static func pack(from r: Record, zoneID: String) -> CertificatePack {
        let order = OrderRequest(
            hostList: HostList(joined: r.hosts), validationMethod: methods[Int(r.method)],
            validityDays: Int(r.validityDays), certificateAuthority: authorities[Int(r.authority)],
            cloudflareBranding: r.branding)
        return CertificatePack(packID: r.id, zoneID: zoneID, order: order, scenario: r.failureScenario, timeline: r.timeline)
    }
}

extension PackStore.Record {
    /// What the lifecycle reads of a pack, without the pack's strings.
    var timeline: PackTimeline {
        PackTimeline(startedAt: startedAt, attempt: Int(attempt), steps: Int(steps),
                     forcedStatus: forced == PackStore.noStatus ? nil : PackStore.statuses[Int(forced)])
    }

    var failureScenario: FailureScenario { PackStore.scenarios[Int(scenario)] }
}

extension PackID {
    /// Index key: the id's bits without its spelling, so both spellings find the pack.
    struct Key: Hashable {
        var high: UInt64
        var low: UInt64
    }

    var key: Key { Key(high: high, low: low) }
}
