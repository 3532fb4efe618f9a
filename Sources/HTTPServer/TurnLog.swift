import ASCIIBytes
import CSystemLinux
import Dispatch
import Sockets
#if canImport(Glibc)
import Glibc
#endif

/// Log lines for standard error from one connection queue, written so that a crash never
/// loses the line of a request that was answered: before the answer goes out.
///
/// Under load the queue runs many connections' events back to back (a turn), and the
/// lines of a turn are written with one write(2) at its end, instead of one write per
/// request; answers sent meanwhile are held and go out right after. The turn ends with a
/// block queued on the connection queue at its first line, which runs after the events
/// already waiting there, so they join it.
///
/// A client alone on the queue (a test's one connection) would gain nothing from that and
/// pay for the hop, so when turns hold few lines the log writes each line at once, as
/// the request is answered, and tries a batched turn again now and then to notice load.
///
/// Thread safety: used only on its queue (`current` is set only while the queue's
/// thread runs one of its connections' events), which makes the `@unchecked Sendable` sound.
package final class TurnLog: @unchecked Sendable {
    /// Lines are written early when the next would not fit in this much (the answers still
    /// wait for the turn's end).
    static let bufferSize = 64 * 1024
    /// A turn that gathers fewer lines than this costs more (the hop to its end) than it saves.
    static let worthwhileTurn = 3
    /// While lines are written one by one, every this many lines start a turn to see whether load came.
    static let probeInterval = 32

    private let queue: DispatchQueue
    /// Grown at the first line, so a server without a request log never holds the memory.
    /// Unchecked at run time: only the queue touches it (see above), and the check
    /// (swift_beginAccess) cost more per line than the rest of the bookkeeping.
    @exclusivity(unchecked) private var lines = GrowableBytes(capacity: 0)
    private var held: [Connection] = []
    /// The previous turn's `held`, kept for its capacity.
    private var sending: [Connection] = []
    /// Made once: queuing a stored block costs no closure or block allocation per turn.
    private var endBlock: (@Sendable @convention(block) () -> Void)?
    private var turnOpen = false
    private var linesThisTurn = 0
    private var batching = false
    private var linesSinceProbe = 0

    init(queue: DispatchQueue) {
        self.queue = queue
        endBlock = { [unowned self] in end() }
    }

    /// The turn log of the queue the calling thread runs an event of; nil elsewhere (a
    /// timer on another queue, a Swift caller's own thread).
    package static var current: TurnLog? {
        guard let pointer = csystem_thread_turn() else { return nil }
        return Unmanaged<TurnLog>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Runs a connection's `event` with `current` set to this log.
    func run(_ event: () -> Void) {
        csystem_set_thread_turn(Unmanaged.passUnretained(self).toOpaque())
        defer { csystem_set_thread_turn(nil) }
        event()
    }

    /// True while lines of an open turn are not written yet: answers must wait.
    var holdsAnswers: Bool { turnOpen }

    /// Formats one line of at most `capacity` bytes (its newline included).
    package func append(capacity: Int, _ format: (inout ByteWriter) -> Void) {
        if capacity > lines.room { makeRoom(capacity) }
        lines.write(atMost: capacity, format)
        lineAdded()
    }

    /// Writes the lines held so far, then grows the buffer if the next line still does not fit.
    private func makeRoom(_ capacity: Int) {
        writeLines()
        if capacity > lines.room { lines.reserve(max(capacity, TurnLog.bufferSize)) }
    }

    /// Adds a line already formatted (its newline included).
    package func append(_ line: UnsafeBufferPointer<UInt8>) {
        append(capacity: line.count) { $0.put(line) }
    }

    /// Writes the lines gathered so far now (a message that must not wait, after the
    /// request lines before it); answers of an open turn still wait for its end.
    package func writeNow() {
        writeLines()
    }

    /// Keeps `connection`'s output until the turn's lines are written (from its send).
    func hold(_ connection: Connection) {
        held.append(connection)
    }

    @inline(__always)
    private func lineAdded() {
        if turnOpen {
            linesThisTurn += 1
            return
        }
        if !batching {
            linesSinceProbe += 1
            guard linesSinceProbe >= TurnLog.probeInterval else { return writeLines() }
            linesSinceProbe = 0
        }
        turnOpen = true
        linesThisTurn = 1
        queue.async(execute: endBlock!)
    }

    /// The turn's end: the lines, then the answers that waited for them.
    private func end() {
        writeLines()
        turnOpen = false
        batching = linesThisTurn >= TurnLog.worthwhileTurn
        // Sending may start the next turn (a pipelined request answered), which holds anew.
        swap(&held, &sending)
        for connection in sending { connection.sendHeldOutput() }
        sending.removeAll(keepingCapacity: true)
    }

    /// A closed or full standard error drops the lines; the answers still go.
    private func writeLines() {
        writeAll(STDERR_FILENO, lines.bytes.assumingMemoryBound(to: UInt8.self))
        lines.removeAll()
    }
}
