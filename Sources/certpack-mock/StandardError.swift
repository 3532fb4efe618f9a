#if canImport(Glibc)
import Glibc
#endif

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
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(2, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
