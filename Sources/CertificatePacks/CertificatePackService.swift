import FoundationEssentials
import Synchronization

/// The certificate-pack use cases (order, read, list, edit, delete, quota) and the
/// test controls over them, behind one lock. Status is never stored: every read
/// computes it from the pack's timeline and the virtual clock.
public final class CertificatePackService: Sendable {
    public enum Failure: Error, Equatable {
        case quotaExceeded(allocated: Int)
        case packNotFound
        /// The validation method cannot change (or be rechecked) in this status.
        case validationMethodLocked(PackStatus)
        /// The CA rules refuse the new validation method for this pack.
        case methodNotOffered([OrderProblem])
        case unknownZone
        case invalidPackID
        case packExists
    }

    public let clock: VirtualClock
    /// Everything that changes, behind one lock: a pack's record, its zone and the id
    /// sequence always move together. The store holds the zones too.
    struct State {
        var store = PackStore()
        var ids: IDGenerator
        var lifecycle: PackLifecycle
    }

    let state: Mutex<State>
    private let seed: UInt64?
    public let idFormat: IDGenerator.Format

    public init(clock: VirtualClock, lifecycle: PackLifecycle = PackLifecycle(), idFormat: IDGenerator.Format = .hex32, seed: UInt64? = nil) {
        self.clock = clock
        self.idFormat = idFormat
        self.seed = seed
        state = Mutex(State(ids: IDGenerator(seed: seed), lifecycle: lifecycle))
    }

    // MARK: Zones

    public func addZone(_ zone: Zone) { state.withLock { s in s.store.define(zone) } }

    @inlinable
    public func zone(_ id: some StringProtocol) -> Zone? { zone(String(id)) }

    public func zone(_ id: String) -> Zone? { state.withLock { s in s.store.zone(id) } }

    public var allZones: [Zone] { state.withLock { s in s.store.zones.sorted { $0.id < $1.id } } }

    // MARK: Cloudflare's operations

    /// Stores a new pack in `initializing` (or further, in immediate mode).
    public func order(_ request: OrderRequest, zoneID: String) throws -> PackSnapshot {
        try state.withLock { s in
            let slot = s.store.slot(ofZone: zoneID)
            let allocated = s.store.zone(in: slot)?.quotaAllocated ?? 0
            if s.store.count(in: slot) >= allocated { throw Failure.quotaExceeded(allocated: allocated) }
            var packID = s.ids.packID(idFormat)
            while s.store.contains(packID) { packID = s.ids.packID(idFormat) }
            let now = clock.now()
            let pack = CertificatePack(packID: packID, zoneID: zoneID, order: request,
                                       scenario: FailureScenario.selected(by: request.hostList),
                                       timeline: PackTimeline(startedAt: now))
            s.store.insert(pack, in: slot)
            return s.lifecycle.snapshot(of: pack, at: now)
        }
    }

    /// Inserts a pack as given (fixtures, in-process helpers); replaces one with the same id.
    public func insert(_ pack: CertificatePack) {
        state.withLock { s in
            if s.store.contains(pack.packID) { s.store.update(pack) } else { s.store.insert(pack) }
        }
    }

    // The operations on one pack take its id as text, as the API has it, and parse it in
    // the caller (`@inlinable`): a generic body here would run unspecialised, through
    // protocol witnesses, at about a thousand instructions a call.

    /// A pack as a read sees it. In per-read mode each read moves the pack one stage
    /// after answering, so the first GET after an order shows the next stage.
    @inlinable
    public func read(_ id: some StringProtocol, zoneID: String) -> PackSnapshot? {
        PackID(id).flatMap { read($0, zoneID: zoneID) }
    }

    public func read(_ packID: PackID, zoneID: String) -> PackSnapshot? {
        reading(packID, zoneID: zoneID)?.snapshot
    }

    /// `read` before its snapshot is made: what a reader needs to tell whether the pack
    /// reads as it did.
    public func reading(_ packID: PackID, zoneID: String) -> PackReading? {
        state.withLock { s in
            guard var record = s.store.record(packID, zoneID: zoneID) else { return nil }
            if s.lifecycle.mode == .perRead && record.timeline.forcedStatus == nil {
                var pack = PackStore.pack(from: record, zoneID: zoneID)
                pack.timeline.steps += 1
                s.store.update(pack)
                guard let stepped = s.store.record(packID, zoneID: zoneID) else { return nil }
                record = stepped
            }
            let status = s.lifecycle.status(scenario: record.failureScenario, timeline: record.timeline, at: clock.now())
            return PackReading(record: record, zoneID: zoneID, status: status, lifecycle: s.lifecycle)
        }
    }

    /// A page of a zone's packs, oldest first. Without `includeAll` only active packs count.
    public func list(zoneID: String, includeAll: Bool, page: Int, perPage: Int) -> (items: [PackSnapshot], totalCount: Int) {
        state.withLock { s in
            let now = clock.now()
            let start = (page - 1).multipliedReportingOverflow(by: perPage)
            if includeAll {
                let total = s.store.count(inZone: zoneID)
                guard !start.overflow, start.partialValue < total else { return ([], total) }
                let page = s.store.packs(inZone: zoneID, range: start.partialValue..<min(start.partialValue + perPage, total))
                return (page.map { s.lifecycle.snapshot(of: $0, at: now) }, total)
            }
            var items: [PackSnapshot] = []
            var total = 0
            s.store.forEach(inZone: zoneID) { pack in
                guard s.lifecycle.status(of: pack, at: now) == .active else { return }
                if !start.overflow && total >= start.partialValue && items.count < perPage { items.append(s.lifecycle.snapshot(of: pack, at: now)) }
                total += 1
            }
            return (items, total)
        }
    }

    /// PATCH: a pack whose attempt timed out starts again from `initializing`;
    /// `cloudflareBranding` is set when given. Other packs are returned as they are.
    @inlinable
    public func edit(_ id: some StringProtocol, zoneID: String, cloudflareBranding: Bool?) -> PackSnapshot? {
        PackID(id).flatMap { edit($0, zoneID: zoneID, cloudflareBranding: cloudflareBranding) }
    }

    public func edit(_ packID: PackID, zoneID: String, cloudflareBranding: Bool?) -> PackSnapshot? {
        state.withLock { s in
            guard var pack = s.store.pack(packID, zoneID: zoneID) else { return nil }
            let now = clock.now()
            if let cloudflareBranding { pack.cloudflareBranding = cloudflareBranding }
            switch s.lifecycle.status(of: pack, at: now) {
            case .validationTimedOut, .issuanceTimedOut, .initializingTimedOut, .deploymentTimedOut:
                pack.timeline = PackTimeline(startedAt: now, attempt: pack.timeline.attempt + 1)
            default:
                break
            }
            s.store.update(pack)
            return s.lifecycle.snapshot(of: pack, at: now)
        }
    }

    @inlinable
    public func delete(_ id: some StringProtocol, zoneID: String) -> CertificatePack? {
        PackID(id).flatMap { delete($0, zoneID: zoneID) }
    }

    public func delete(_ packID: PackID, zoneID: String) -> CertificatePack? {
        state.withLock { s in s.store.remove(packID, zoneID: zoneID) }
    }

    /// `advanced.allocated` and `advanced.used` for the quota endpoint.
    public func quota(zoneID: String) -> (allocated: Int, used: Int) {
        state.withLock { s in
            let slot = s.store.slot(ofZone: zoneID)
            return (s.store.zone(in: slot)?.quotaAllocated ?? 0, s.store.count(in: slot))
        }
    }

    // MARK: Test controls

    public var lifecycleMode: LifecycleMode { state.withLock { s in s.lifecycle.mode } }
    public var lifecycleDurations: LifecycleDurations { state.withLock { s in s.lifecycle.durations } }

    /// Changes the mode; every pack keeps the stage it is at.
    public func setLifecycleMode(_ mode: LifecycleMode) {
        state.withLock { s in
            guard mode != s.lifecycle.mode else { return }
            let now = clock.now()
            for pack in s.store.allPacks {
                var moved = pack
                moved.timeline = s.lifecycle.timeline(of: pack, carriedTo: mode, at: now)
                s.store.update(moved)
            }
            s.lifecycle.mode = mode
        }
    }

    /// Moves a pack (or every pack, when `id` is nil) `count` stages forward
    /// in manual or per-read mode; in timed mode, moves its start back instead.
    @discardableResult
    public func step(_ id: String?, zoneID: String? = nil, count: Int = 1) -> [PackSnapshot] {
        state.withLock { s in
            let now = clock.now()
            let targets: [CertificatePack]
            if let id {
                guard let packID = PackID(id), let zoneID = zoneID ?? s.store.zoneID(of: packID),
                      let pack = s.store.pack(packID, zoneID: zoneID) else { return [] }
                targets = [pack]
            } else {
                targets = s.store.allPacks
            }
            return targets.map { pack in
                var moved = pack
                let last = PackLifecycle.stages(for: pack.scenario, attempt: pack.timeline.attempt).count - 1
                let current = s.lifecycle.stageIndex(of: pack, at: now)
                let index = min(current + max(count, 0), last)
                moved.timeline.forcedStatus = nil
                moved.timeline.steps = index
                if s.lifecycle.mode == .timed {
                    // Shift the start back so exactly `index` stages have elapsed now.
                    let elapsedInStage = now - s.lifecycle.startOfStage(current, of: pack)
                    moved.timeline.startedAt = now - (s.lifecycle.startOfStage(index, of: pack) - pack.timeline.startedAt) - (index == current ? elapsedInStage : 0)
                }
                s.store.update(moved)
                return s.lifecycle.snapshot(of: moved, at: now)
            }
        }
    }

    /// Pins a pack to any status of the enum (nil releases it back to its lifecycle).
    public func force(_ id: String, zoneID: String? = nil, status: PackStatus?) -> PackSnapshot? {
        state.withLock { s in
            guard let packID = PackID(id), let zoneID = zoneID ?? s.store.zoneID(of: packID),
                  var pack = s.store.pack(packID, zoneID: zoneID) else { return nil }
            pack.timeline.forcedStatus = status
            s.store.update(pack)
            return s.lifecycle.snapshot(of: pack, at: clock.now())
        }
    }

    /// Every pack as it reads now, zone by zone in creation order.
    public func snapshotAll() -> [PackSnapshot] {
        state.withLock { s in
            let now = clock.now()
            return s.store.zonesWithPacks.sorted().flatMap { zone in
                s.store.packs(inZone: zone).map { s.lifecycle.snapshot(of: $0, at: now) }
            }
        }
    }

    public var packCount: Int { state.withLock { s in s.store.count } }

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
        state.withLock { s in Persisted(store: s.store, lifecycleMode: s.lifecycle.mode, idPosition: s.ids.position) }
    }

    /// Replaces every pack and the lifecycle mode with a state file's, and continues the id
    /// sequence from `idPosition` (timelines are kept as saved: no mode carry-over).
    public func restore(packs: [CertificatePack], lifecycleMode: LifecycleMode, idPosition: UInt64) {
        state.withLock { s in
            s.store.removeAll()
            s.lifecycle.mode = lifecycleMode
            s.ids = IDGenerator(seed: idPosition)
            for pack in packs {
                guard !s.store.contains(pack.packID) else { continue }
                s.store.insert(pack)
            }
        }
    }

    /// Forgets every pack (or a zone's) and restarts the id sequence, so a reset run repeats a seeded run.
    public func removeAllPacks(zoneID: String? = nil) {
        state.withLock { s in
            if let zoneID { s.store.removeAll(inZone: zoneID) } else {
                s.store.removeAll()
                s.ids = IDGenerator(seed: seed)
            }
        }
    }

    public func removeZone(_ id: String) {
        state.withLock { s in
            s.store.removeDefinition(ofZone: id)
            s.store.removeAll(inZone: id)
        }
    }
}
