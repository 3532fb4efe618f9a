import HTTPServer
import Sockets

/// Writes to file descriptor 2 with write(2), each text in one call where the kernel
/// allows, so lines from several threads do not interleave (FileHandle needs all of
/// Foundation).
enum StandardError {
    static func write(_ text: String) {
        write(Array(text.utf8))
    }

    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    static func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        writeAll(2, bytes)
    }

    /// A log line, its newline included. Inside a connection queue's turn it joins the
    /// turn's `TurnLog`, written before the turn's answers go out (at once when `promptly`,
    /// after the turn's earlier lines); elsewhere it is written at once.
    static func writeLine(_ line: UnsafeBufferPointer<UInt8>, promptly: Bool = false) {
        guard let turn = TurnLog.current else { return write(line) }
        turn.append(line)
        if promptly { turn.writeNow() }
    }
}
