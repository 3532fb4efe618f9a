/// The journal's bytes: entries written one after another into 1 MiB chunks, oldest chunk
/// first. Entries leave oldest first too, so dropping them gives back whole chunks (no
/// memmove, no per-entry free), and a write is a copy into memory reused in order.
///
/// A chunk given back is kept as the next one (one spare), so a journal at its limit neither
/// mallocs nor touches fresh pages; an entry bigger than a chunk gets a chunk of its own,
/// freed when it leaves. Nothing is allocated before the first entry (idle memory stays low).
/// Not thread-safe: `RequestJournal` holds its lock around every call.
struct RequestJournalArena: ~Copyable {
    static let chunkSize = 1 << 20

    private struct Chunk {
        var base: UnsafeMutableRawPointer
        var size: Int
        var used: Int
    }

    /// Oldest first; writes go to the last.
    private var chunks: [Chunk] = []
    /// The number of `chunks[0]`; chunk numbers only grow, so an entry names its chunk by number.
    private var firstNumber = 0
    /// A standard-size chunk given back, for the next chunk to reuse.
    private var spare: UnsafeMutableRawPointer?

    init() {}

    deinit {
        for chunk in chunks { chunk.base.deallocate() }
        spare?.deallocate()
    }

    /// Room for `count` bytes (a multiple of 8, so every start stays 8-aligned) and the number
    /// of the chunk it lies in.
    mutating func reserve(_ count: Int) -> (chunk: Int, start: UnsafeMutableRawPointer) {
        let last = chunks.count - 1
        if last >= 0, chunks[last].size - chunks[last].used >= count {
            let start = chunks[last].base + chunks[last].used
            chunks[last].used += count
            return (firstNumber + last, start)
        }
        let size = max(count, Self.chunkSize)
        let base: UnsafeMutableRawPointer
        if size == Self.chunkSize, let reused = spare {
            base = reused
            spare = nil
        } else {
            base = .allocate(byteCount: size, alignment: 16)
        }
        chunks.append(Chunk(base: base, size: size, used: count))
        return (firstNumber + chunks.count - 1, base)
    }

    /// Gives back every chunk older than chunk `number`: no entry is left in them.
    mutating func release(before number: Int) {
        let drop = min(number - firstNumber, chunks.count)
        guard drop > 0 else { return }
        for chunk in chunks[..<drop] { giveBack(chunk) }
        chunks.removeFirst(drop)
        firstNumber += drop
    }

    /// Gives back every chunk: the journal holds no entry.
    mutating func releaseAll() {
        for chunk in chunks { giveBack(chunk) }
        firstNumber += chunks.count
        chunks.removeAll(keepingCapacity: true)
    }

    private mutating func giveBack(_ chunk: Chunk) {
        if chunk.size == Self.chunkSize && spare == nil {
            spare = chunk.base
        } else {
            chunk.base.deallocate()
        }
    }
}
