import HTTPServer
import Locks
import FoundationEssentials

/// Every Cloudflare request the mock answered, newest last, capped in size.
/// Secrets never enter it: credentials are recorded by their fixture name.
///
/// `@unchecked Sendable` holds because every `var` below (`entries`, `nextSequence`,
/// `heldBytes`) is read and written only inside `lock.withLock`, and the `let`s are
/// immutable. Kept on a `Lock` rather than a `Mutex` only so fields other changes add to
/// the entry stay a local edit.
public final class RequestJournal: @unchecked Sendable {
    /// What one request left: kept as the request's own strings and byte buffers (shared,
    /// not copied) and decoded only when someone reads the journal.
    public struct Entry: Sendable {
        public var sequence: Int
        /// Virtual time of arrival (seconds since 1970).
        public var time: Double
        public var method: String
        /// The request-target as sent: the path, then `?` and the query if there is one.
        public var target: String
        public var status: Int
        public var errorCodes: [Int]
        public var durationMilliseconds: Double
        /// The credential's name, "invalid" or "none"; never the secret.
        public var credential: String
        /// The request body as sent (cut at 64 KiB).
        public var requestBody: [UInt8]
        /// The answer's body as sent (cut at 64 KiB), for the dashboard.
        public var responseBody: [UInt8] = []
        /// What the request came over: "HTTP/1.1", "HTTP/1.0" or "HTTP/2".
        public var protocolName: String = "HTTP/1.1"
        /// TLS version and ALPN protocol when the request came over HTTPS; nil for cleartext.
        public var tls: TLSConnectionInfo? = nil

        /// The path part of the target.
        public var path: String {
            guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
            return String(target[..<mark])
        }

        /// The query part of the target, if any.
        public var query: String? {
            guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
            return String(target[target.utf8.index(after: mark)...])
        }

        /// The request body as text.
        public var body: String { String(decoding: requestBody, as: UTF8.self) }
    }

    public struct Filter: Sendable {
        public var method: String?
        /// Glob on the path (`*` matches any run of characters).
        public var path: String?
        public var status: Int?
        public var errorCode: Int?
        public init(method: String? = nil, path: String? = nil, status: Int? = nil, errorCode: Int? = nil) {
            self.method = method; self.path = path; self.status = status; self.errorCode = errorCode
        }
        func matches(_ e: Entry) -> Bool {
            if let method, method.uppercased() != e.method { return false }
            if let status, status != e.status { return false }
            if let errorCode, !e.errorCodes.contains(errorCode) { return false }
            if let path, !Glob.matches(path, e.path) { return false }
            return true
        }
    }

    private let lock = Lock()
    private var entries: [Entry] = []
    private var nextSequence = 1
    /// Bytes of paths and bodies held, so hostile 1 MiB bodies cannot make the journal huge.
    private var heldBytes = 0
    public let capacity: Int
    public let maxBytes: Int

    public init(capacity: Int = 10_000, maxBytes: Int = 32 << 20) {
        self.capacity = max(0, capacity)
        self.maxBytes = max(0, maxBytes)
    }

    func record(_ make: (Int) -> Entry) {
        guard capacity > 0 else { return }
        lock.withLock {
            // Made straight into the array: a local copy would retain every field, then release it.
            entries.append(make(nextSequence))
            heldBytes += Self.size(entries[entries.count - 1])
            nextSequence += 1
            // Drop the oldest tenth at once so trimming is rare.
            if entries.count > capacity || heldBytes > maxBytes {
                let drop = min(entries.count - 1, max(1, entries.count / 10))
                heldBytes -= entries[..<drop].reduce(0) { $0 + Self.size($1) }
                entries.removeFirst(drop)
            }
        }
    }

    private static func size(_ e: Entry) -> Int { e.requestBody.count + e.responseBody.count + e.target.utf8.count + 128 }

    /// The sequence number of the newest entry (0 before the first), so a poller can tell the journal moved.
    public var lastSequence: Int { lock.lock(); defer { lock.unlock() }; return nextSequence - 1 }

    /// The entry with this sequence number, if still held (sequences only grow, so a binary search finds it).
    public func entry(sequence: Int) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].sequence == sequence ? entries[low] : nil
    }

    public func entries(matching filter: Filter = Filter(), limit: Int? = nil) -> [Entry] {
        lock.withLock {
            let matched = entries.filter(filter.matches)
            guard let limit, limit < matched.count else { return matched }
            return Array(matched.suffix(limit))
        }
    }

    public func count(matching filter: Filter = Filter()) -> Int {
        lock.withLock { entries.reduce(0) { $0 + (filter.matches($1) ? 1 : 0) } }
    }

    public func clear() {
        lock.withLock { entries.removeAll(); heldBytes = 0 }
    }
}

/// `*` matches any run of characters (slashes included); everything else is literal.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.utf8), t = Array(text.utf8)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] == UInt8(ascii: "*") { star = pi; mark = ti; pi += 1 }
            else if pi < p.count && p[pi] == t[ti] { pi += 1; ti += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
