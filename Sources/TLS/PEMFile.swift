#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes for PEM material (small files, read once at start-up).
enum PEMFile {
    static func read(_ path: String, what: String) throws(TLSError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TLSError("\(what) \(path): \(errnoText())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TLSError("\(what) \(path): \(errnoText())")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            // PEM keys and chains are kilobytes; anything this big is not one.
            if bytes.count > 1 << 20 { throw TLSError("\(what) \(path): larger than 1 MiB, not a PEM file") }
        }
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a file.
    /// `mode` 0600 for private keys.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, what: String) throws(TLSError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TLSError("cannot write \(what) \(path): \(errnoText())") }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = errnoText()
                close(fd)
                unlink(temporary)
                throw TLSError("cannot write \(what) \(path): \(reason)")
            }
            offset += count
        }
        // The mode given to open is masked by the umask; a key must end up 0600 whatever it is.
        fchmod(fd, mode)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = errnoText()
            unlink(temporary)
            throw TLSError("cannot write \(what) \(path): \(reason)")
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
