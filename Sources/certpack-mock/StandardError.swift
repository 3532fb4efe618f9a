#if canImport(Glibc)
import Glibc
#endif

/// Writes to file descriptor 2 with write(2), each text in one call where the kernel
/// allows, so lines from several threads do not interleave (FileHandle needs all of
/// Foundation).
enum StandardError {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
