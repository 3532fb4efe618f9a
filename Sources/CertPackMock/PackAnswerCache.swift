import CertificatePacks
import Locks

/// The body of a pack's GET answer, kept beside the snapshot it was written from. A test
/// that polls a pack until it is `active` reads the same snapshot many times; an equal
/// snapshot gets the same bytes back instead of a kilobyte of JSON written anew. Correct by
/// construction: the body is a function of the snapshot alone, and an entry is only used
/// when the snapshot is equal, so there is nothing to invalidate.
///
/// `@unchecked Sendable` holds because `entries` is read and written only inside
/// `lock.withLock`; the bodies handed out are value copies (their storage is shared, never
/// mutated).
final class PackAnswerCache: @unchecked Sendable {
    /// A class, so a lookup takes one reference rather than copying every field of a snapshot.
    private final class Entry: Sendable {
        let snapshot: PackSnapshot
        let body: [UInt8]
        init(snapshot: PackSnapshot, body: [UInt8]) { self.snapshot = snapshot; self.body = body }
    }

    private let lock = Lock()
    private var entries: [String: Entry] = [:]
    /// Packs remembered at once; past it the cache starts over, so it stays small
    /// (about 1.5 KB an entry) however many packs are read.
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    /// Packs whose answer is kept now.
    var count: Int { lock.withLock { entries.count } }

    /// The body for `snapshot`: the one kept for it if the pack still reads the same,
    /// else `write`'s, which is then kept.
    func body(for snapshot: PackSnapshot, write: (PackSnapshot) -> [UInt8]) -> [UInt8] {
        let id = snapshot.pack.id
        if let kept = lock.withLock({ entries[id] }), kept.snapshot == snapshot { return kept.body }
        let body = write(snapshot)
        lock.withLock {
            if entries.count >= capacity, entries[id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[id] = Entry(snapshot: snapshot, body: body)
        }
        return body
    }
}
