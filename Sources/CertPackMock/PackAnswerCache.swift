import CertificatePacks
import Locks

/// The body of a pack's GET answer, kept beside the reading it was written from. A test
/// that polls a pack until it is `active` reads it the same way many times; an equal reading
/// gets the same bytes back instead of the pack rebuilt and a kilobyte of JSON written anew.
/// Correct by construction: the body is a function of the reading alone (equal readings make
/// equal snapshots), and an entry is only used for an equal reading, so there is nothing to
/// invalidate.
///
/// `@unchecked Sendable` holds because `entries` is read and written only inside
/// `lock.withLock`; the bodies handed out are value copies (their storage is shared, never
/// mutated).
final class PackAnswerCache: @unchecked Sendable {
    /// A class, so a lookup takes one reference rather than copying every field of a reading.
    private final class Entry: Sendable {
        let reading: PackReading
        let body: [UInt8]
        init(reading: PackReading, body: [UInt8]) { self.reading = reading; self.body = body }
    }

    private let lock = Lock()
    private var entries: [PackID: Entry] = [:]
    /// Packs remembered at once; past it the cache starts over, so it stays small
    /// (about 1.5 KB an entry) however many packs are read.
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    /// Packs whose answer is kept now.
    var count: Int { lock.withLock { entries.count } }

    /// The body for `reading`: the one kept for it if the pack still reads the same,
    /// else `write`'s, which is then kept.
    func body(for reading: PackReading, write: (PackReading) -> [UInt8]) -> [UInt8] {
        let id = reading.id
        if let kept = lock.withLock({ entries[id] }), kept.reading == reading { return kept.body }
        let body = write(reading)
        lock.withLock {
            if entries.count >= capacity, entries[id] == nil { entries.removeAll(keepingCapacity: true) }
            entries[id] = Entry(reading: reading, body: body)
        }
        return body
    }
}
