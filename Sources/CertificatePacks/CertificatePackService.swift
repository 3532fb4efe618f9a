import Locks
import FoundationEssentials

/// The certificate-pack use cases (order, read, list, edit, delete, quota) and the
/// test controls over them, behind one lock. Status is never stored: every read
/// computes it from the pack's timeline and the virtual clock.
public final class CertificatePackService: @unchecked Sendable {
    public enum Failure: Error, Equatable {
        case quotaExceeded(allocated: Int)
        case packNotFound
    }

    public let clock: VirtualClock
    private let lock = Lock()
    private var store = PackStore()
    private var zones: [String: Zone] = [:]
    private var ids: IDGenerator
    private let seed: UInt64?
    private var lifecycle: PackLifecycle
    public let idFormat: IDGenerator.Format

    public init(clock: VirtualClock, lifecycle: PackLifecycle = PackLifecycle(), idFormat: IDGenerator.Format = .hex32, seed: UInt64? = nil) {
        self.clock = clock
        self.lifecycle = lifecycle
        self.idFormat = idFormat
        self.seed = seed
        self.ids = IDGenerator(seed: seed)
    }


    // MARK: Zones

    public func addZone(_ zone: Zone) { lock.withLock { zones[zone.id] = zone } }

    public func zone(_ id: some StringProtocol) -> Zone? { lock.withLock { zones[String(id)] } }

    public var allZones: [Zone] { lock.withLock { zones.values.sorted { $0.id < $1.id } } }

    // MARK: Cloudflare's operations

    /// Stores a new pack in `initializing` (or further, in immediate mode).
    public func order(_ request: OrderRequest, zoneID: String) throws -> PackSnapshot {
        try lock.withLock {
            let zone = zones[zoneID]
            let allocated = zone?.quotaAllocated ?? 0
            if store.count(inZone: zoneID) >= allocated { throw Failure.quotaExceeded(allocated: allocated) }
            var packID = ids.packID(idFormat)
            while store.contains(packID) { packID = ids.packID(idFormat) }
            let id = packID.text
            let now = clock.now()
            let pack = CertificatePack(id: id, zoneID: zoneID, order: request,
                                       scenario: FailureScenario.selected(by: request.hosts),
                                       timeline: PackTimeline(startedAt: now))
            store.insert(pack)
            return lifecycle.snapshot(of: pack, at: now)
        }
    }

    /// Inserts a pack as given (fixtures, in-process helpers); replaces one with the same id.
    public func insert(_ pack: CertificatePack) {
        lock.withLock {
            guard let id = PackID(pack.id) else { return }
            if store.contains(id) { store.update(pack) } else { store.insert(pack) }
        }
    }

    /// A pack as a read sees it. In per-read mode each read moves the pack one stage
    /// after answering, so the first GET after an order shows the next stage.
    public func read(_ id: some StringProtocol, zoneID: String) -> PackSnapshot? {
        lock.withLock {
            guard let packID = PackID(id), var pack = store.pack(packID, zoneID: zoneID) else { return nil }
            if lifecycle.mode == .perRead && pack.timeline.forcedStatus == nil {
                pack.timeline.steps += 1
                store.update(pack)
            }
            return lifecycle.snapshot(of: pack, at: clock.now())
        }
    }

    /// A page of a zone's packs, oldest first. Without `includeAll` only active packs count.
    public func list(zoneID: String, includeAll: Bool, page: Int, perPage: Int) -> (items: [PackSnapshot], totalCount: Int) {
        lock.withLock {
            let now = clock.now()
            let start = (page - 1).multipliedReportingOverflow(by: perPage)
            if includeAll {
                let total = store.count(inZone: zoneID)
                guard !start.overflow, start.partialValue < total else { return ([], total) }
                let page = store.packs(inZone: zoneID, range: start.partialValue..<min(start.partialValue + perPage, total))
                return (page.map { lifecycle.snapshot(of: $0, at: now) }, total)
            }
            var items: [PackSnapshot] = []
            var total = 0
            store.forEach(inZone: zoneID) { pack in
                guard lifecycle.status(of: pack, at: now) == .active else { return }
                if !start.overflow && total >= start.partialValue && items.count < perPage { items.append(lifecycle.snapshot(of: pack, at: now)) }
                total += 1
            }
            return (items, total)
        }
    }

    /// PATCH: a pack whose attempt timed out starts again from `initializing`;
    /// `cloudflareBranding` is set when given. Other packs are returned as they are.
    public func edit(_ id: some StringProtocol, zoneID: String, cloudflareBranding: Bool?) -> PackSnapshot? {
        lock.withLock {
            guard let packID = PackID(id), var pack = store.pack(packID, zoneID: zoneID) else { return nil }
            let now = clock.now()
            if let cloudflareBranding { pack.cloudflareBranding = cloudflareBranding }
            switch lifecycle.status(of: pack, at: now) {
            case .validationTimedOut, .issuanceTimedOut, .initializingTimedOut, .deploymentTimedOut:
                pack.timeline = PackTimeline(startedAt: now, attempt: pack.timeline.attempt + 1)
            default:
                break
            }
            store.update(pack)
            return lifecycle.snapshot(of: pack, at: now)
        }
    }

    public func delete(_ id: some StringProtocol, zoneID: String) -> CertificatePack? {
        lock.withLock { PackID(id).flatMap { store.remove($0, zoneID: zoneID) } }
    }

    /// `advanced.allocated` and `advanced.used` for the quota endpoint.
    public func quota(zoneID: String) -> (allocated: Int, used: Int) {
        lock.withLock { (zones[zoneID]?.quotaAllocated ?? 0, store.count(inZone: zoneID)) }
    }

    // MARK: Test controls

    public var lifecycleMode: LifecycleMode { lock.withLock { lifecycle.mode } }
    public var lifecycleDurations: LifecycleDurations { lock.withLock { lifecycle.durations } }

    /// Changes the mode; every pack keeps the stage it is at.
    public func setLifecycleMode(_ mode: LifecycleMode) {
        lock.withLock {
            guard mode != lifecycle.mode else { return }
            let now = clock.now()
            for pack in store.allPacks {
                var moved = pack
                moved.timeline = lifecycle.timeline(of: pack, carriedTo: mode, at: now)
                store.update(moved)
            }
            lifecycle.mode = mode
        }
    }

    /// Moves a pack (or every pack, when `id` is nil) `count` stages forward
    /// in manual or per-read mode; in timed mode, moves its start back instead.
    @discardableResult
    public func step(_ id: String?, zoneID: String? = nil, count: Int = 1) -> [PackSnapshot] {
        lock.withLock {
            let now = clock.now()
            let targets: [CertificatePack]
            if let id {
                guard let packID = PackID(id), let zoneID = zoneID ?? store.zoneID(of: packID),
                      let pack = store.pack(packID, zoneID: zoneID) else { return [] }
                targets = [pack]
            } else {
                targets = store.allPacks
            }
            return targets.map { pack in
                var moved = pack
                let last = PackLifecycle.stages(for: pack.scenario, attempt: pack.timeline.attempt).count - 1
                let current = lifecycle.stageIndex(of: pack, at: now)
                let index = min(current + max(count, 0), last)
                moved.timeline.forcedStatus = nil
                moved.timeline.steps = index
                if lifecycle.mode == .timed {
                    // Shift the start back so exactly `index` stages have elapsed now.
                    let elapsedInStage = now - lifecycle.startOfStage(current, of: pack)
                    moved.timeline.startedAt = now - (lifecycle.startOfStage(index, of: pack) - pack.timeline.startedAt) - (index == current ? elapsedInStage : 0)
                }
                store.update(moved)
                return lifecycle.snapshot(of: moved, at: now)
            }
        }
    }

    /// Pins a pack to any status of the enum (nil releases it back to its lifecycle).
    public func force(_ id: String, zoneID: String? = nil, status: PackStatus?) -> PackSnapshot? {
        lock.withLock {
            guard let packID = PackID(id), let zoneID = zoneID ?? store.zoneID(of: packID),
                  var pack = store.pack(packID, zoneID: zoneID) else { return nil }
            pack.timeline.forcedStatus = status
            store.update(pack)
            return lifecycle.snapshot(of: pack, at: clock.now())
        }
    }

    /// Every pack as it reads now, zone by zone in creation order.
    public func snapshotAll() -> [PackSnapshot] {
        lock.withLock {
            let now = clock.now()
            return store.zonesWithPacks.sorted().flatMap { zone in
                store.packs(inZone: zone).map { lifecycle.snapshot(of: $0, at: now) }
            }
        }
    }

    public var packCount: Int { lock.withLock { store.count } }

    // MARK: State file

    /// The packs, lifecycle mode and id sequence at one moment. Taking it under the lock is
    /// O(1) (the store is copied on write); reading `packs` builds them, off the lock.
    public struct Persisted: Sendable {
        fileprivate let store: PackStore
        public let lifecycleMode: LifecycleMode
        public let idPosition: UInt64
        /// Zone by zone, each in creation order (the order `restore` keeps).
        public var packs: [CertificatePack] { store.allPacks }
    }

    public func persisted() -> Persisted {
        lock.withLock { Persisted(store: store, lifecycleMode: lifecycle.mode, idPosition: ids.position) }
    }

    /// Replaces every pack and the lifecycle mode with a state file's, and continues the id
    /// sequence from `idPosition` (timelines are kept as saved: no mode carry-over).
    public func restore(packs: [CertificatePack], lifecycleMode: LifecycleMode, idPosition: UInt64) {
        lock.withLock {
            store.removeAll()
            lifecycle.mode = lifecycleMode
            ids = IDGenerator(seed: idPosition)
            for pack in packs {
                guard let id = PackID(pack.id), !store.contains(id) else { continue }
                store.insert(pack)
            }
        }
    }

    /// Forgets every pack (or a zone's) and restarts the id sequence, so a reset run repeats a seeded run.
    public func removeAllPacks(zoneID: String? = nil) {
        lock.withLock {
            if let zoneID { store.removeAll(inZone: zoneID) } else {
                store.removeAll()
                ids = IDGenerator(seed: seed)
            }
        }
    }

    public func removeZone(_ id: String) {
        lock.withLock {
            zones[id] = nil
            store.removeAll(inZone: id)
        }
    }
}
