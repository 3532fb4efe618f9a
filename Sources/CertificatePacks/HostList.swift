import ASCIIBytes
#if canImport(Glibc)
import Glibc
#endif

/// The hosts of an order or a pack as one string, "a,b,c" (no hostname contains a comma):
/// one allocation for the list, and the form the store keeps, so an order is validated,
/// stored and answered without joining or splitting its hosts.
public struct HostList: Sendable, Equatable {
    /// The hosts joined by ",".
    package let joined: String

    public init(_ hosts: [String]) {
        joined = Self.join(hosts)
    }

    package init(joined: String) {
        self.joined = joined
    }

    /// The hosts one by one (empty entries of the joined form are skipped).
    public var names: [String] {
        var names: [String] = []
        forEach { names.append(String(decoding: $0, as: UTF8.self)) }
        return names
    }

    /// Calls `body` with each host's bytes, in order (valid only during the call).
    public func forEach(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        ASCII.withUTF8(joined) { bytes in
            guard let base = bytes.baseAddress else { return }
            var start = 0
            while start < bytes.count {
                // Commas found with memchr, which reads many bytes a step.
                let end = memchr(base + start, Int32(UInt8(ascii: ",")), bytes.count - start)
                    .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
                if end > start { body(UnsafeBufferPointer(start: base + start, count: end - start)) }
                start = end + 1
            }
        }
    }

    /// Copied byte by byte into a string of the exact size (`joined()` costs about three times as much).
    private static func join(_ hosts: [String]) -> String {
        let count = hosts.reduce(max(hosts.count - 1, 0)) { $0 + $1.utf8.count }
        return String(unsafeUninitializedCapacity: count) { out in
            var end = 0
            for (k, host) in hosts.enumerated() {
                if k > 0 { out[end] = UInt8(ascii: ","); end += 1 }
                end = ASCII.withUTF8(host) { UnsafeMutableBufferPointer(rebasing: out[end...]).initialize(fromContentsOf: $0) + end }
            }
            return end
        }
    }

    // MARK: Building

    /// A list being written into its string's storage by `build`: a host is appended,
    /// checked, and kept or taken back.
    package struct Builder: ~Copyable {
        private let out: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0
        /// Where the host appended last starts.
        private var lastStart = 0
        package private(set) var isEmpty = true

        fileprivate init(_ out: UnsafeMutableBufferPointer<UInt8>) {
            self.out = out
        }

        /// Appends `host`, with its ASCII letters lowered when `lowercasing`; `build`'s
        /// capacity must allow for it.
        package mutating func append(_ host: UnsafeBufferPointer<UInt8>, lowercasing: Bool) {
            lastStart = isEmpty ? 0 : count + 1
            if !isEmpty { out[count] = UInt8(ascii: ",") }
            let written = UnsafeMutableBufferPointer(rebasing: out[lastStart..<lastStart + host.count])
            _ = written.initialize(fromContentsOf: host)
            if lowercasing {
                for k in written.indices { written[k] = ASCII.lowercased(written[k]) }
            }
            count = lastStart + host.count
            isEmpty = false
        }

        /// The host appended last, as written.
        package var last: UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: out[lastStart..<count])
        }

        /// Whether a host before the last one is `last`.
        package func lastIsRepeated() -> Bool {
            guard let base = out.baseAddress else { return false }
            let length = count - lastStart
            var start = 0
            while start < lastStart {
                // Every host before the last is followed by a comma.
                let end = UnsafeMutableRawPointer(memchr(base + start, Int32(UInt8(ascii: ",")), lastStart - start)!) - UnsafeMutableRawPointer(base)
                if end - start == length && memcmp(base + start, base + lastStart, length) == 0 { return true }
                start = end + 1
            }
            return false
        }

        /// Takes the host appended last back out (at most once after each append).
        package mutating func removeLast() {
            count = lastStart == 0 ? 0 : lastStart - 1
            isEmpty = lastStart == 0
            lastStart = count
        }
    }

    /// A list written by `fill` into storage of `capacity` bytes, which must hold every
    /// host it appends and the commas between them.
    package static func build(capacity: Int, _ fill: (inout Builder) -> Void) -> HostList {
        HostList(joined: String(unsafeUninitializedCapacity: capacity) { out in
            var builder = Builder(out)
            fill(&builder)
            return builder.count
        })
    }
}
