/// The store's index from a pack id's bits to its record number, split over 256
/// dictionaries chosen by those bits. A Swift dictionary grows by rehashing every entry at
/// once: one order that crossed a doubling at 786,000 packs held the service's lock, and
/// so every client, for tens of milliseconds (POST p99 87 ms against 2 ms). A shard is a
/// 256th of that pause.
struct PackIndex {
    private var shards = [[PackID.Key: Int]](repeating: [:], count: 256)

    /// The top byte of a multiplicative hash of both halves, so ids that differ only in a
    /// few bits (fixtures' hand-written ones) still spread.
    private static func shard(of key: PackID.Key) -> Int {
        Int(truncatingIfNeeded: ((key.high ^ key.low) &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }

    subscript(key: PackID.Key) -> Int? {
        get { shards[Self.shard(of: key)][key] }
        set { shards[Self.shard(of: key)][key] = newValue }
    }
}
