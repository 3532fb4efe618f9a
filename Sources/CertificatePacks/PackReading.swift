/// A pack as one read finds it: its stored record, the status it shows and the lifecycle
/// that shapes the other fields. Taken under the service's lock without building any of the
/// pack's strings; its snapshot is made from it alone, outside the lock. Equal readings make
/// equal snapshots, so a reader may keep what it made of one and reuse it for an equal one
/// (the GET answer of a pack polled until it is active).
public struct PackReading: Sendable, Equatable {
    let record: PackStore.Record
    let zoneID: String
    public let status: PackStatus
    let lifecycle: PackLifecycle

    public var id: PackID { record.id }

    /// The pack with the fields its stage shows.
    public var snapshot: PackSnapshot {
        lifecycle.snapshot(of: PackStore.pack(from: record, zoneID: zoneID), status: status)
    }
}
