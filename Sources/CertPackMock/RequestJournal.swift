import HTTPServer
import Locks
import FoundationEssentials

/// Every Cloudflare request the mock answered, newest last, capped in size.
/// Secrets never enter it: credentials are recorded by their fixture name.
///
/// Entries are kept as bytes (`RequestJournalStore`: fixed-size slots and a chunked arena)
/// and decoded into `Entry` values only when someone reads the journal. Recording one is a
/// few copies into memory reused in order; it keeps no reference to the request's strings
/// or the answer's buffer, which go back to the allocator (hot) as soon as the answer is sent.
///
/// `@unchecked Sendable` holds because the only `var`, `store`, is touched only between
/// `lock.lock()` and `lock.unlock()`, and the `let`s are immutable. The store's raw pointers
/// never leave it: readers get decoded copies. A pthread `Lock` rather than a `Mutex`
/// because two connection queues record at once, and ThreadSanitizer does not see the
/// ordering a contended `Mutex` gives on Linux (see `TLSContextProvider`).
public final class RequestJournal: @unchecked Sendable {
    /// What one request left, as readers get it: decoded from the journal's bytes.
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

        /// The filter as bytes, made once per read rather than once per entry.
        struct Bytes {
            var method: [UInt8]?
            var path: [UInt8]?
            var status: Int?
            var errorCode: Int?
            var matchesEverything: Bool { method == nil && path == nil && status == nil && errorCode == nil }
        }

        var bytes: Bytes {
            Bytes(method: method.map { Array($0.uppercased().utf8) }, path: path.map { Array($0.utf8) },
                  status: status, errorCode: errorCode)
        }
    }

    private let lock = Lock()
    /// Unchecked at run time: `lock` already makes every access exclusive, and the check
    /// (swift_beginAccess) would cost every request about as much as the lock itself.
    @exclusivity(unchecked) private var store: RequestJournalStore
    public let capacity: Int
    public let maxBytes: Int

    public init(capacity: Int = 10_000, maxBytes: Int = 32 << 20) {
        self.capacity = max(0, capacity)
        self.maxBytes = max(0, maxBytes)
        store = RequestJournalStore(capacity: self.capacity, maxBytes: self.maxBytes)
    }

    /// False with `--journal-limit 0`: callers skip even reading the clock.
    var isEnabled: Bool { capacity > 0 }

    /// Keeps one answered request. Copies what it needs (bodies cut at 64 KiB), so the
    /// request's and the answer's buffers are free to go as soon as the answer is sent.
    @inline(never) // Out of line so a profile shows the journal's own cost; one call costs nothing beside it.
    func record(_ request: HTTPRequest, status: Int, responseBody: [UInt8], errorCodes: [Int], credential: String,
                time: Double, durationMilliseconds: Double) {
        guard capacity > 0 else { return }
        lock.lock()
        store.record(request, status: status, responseBody: responseBody, errorCodes: errorCodes, credential: credential,
                     time: time, durationMilliseconds: durationMilliseconds)
        lock.unlock()
    }

    /// The sequence number of the newest entry (0 before the first), so a poller can tell the journal moved.
    public var lastSequence: Int { lock.lock(); defer { lock.unlock() }; return store.nextSequence - 1 }

    /// The entry with this sequence number, if still held.
    public func entry(sequence: Int) -> Entry? {
        lock.lock(); defer { lock.unlock() }
        guard let index = store.index(ofSequence: sequence) else { return nil }
        return store.entry(index)
    }

    /// The entries that match, oldest first; with a limit, the newest `limit` of them (none for a negative one).
    public func entries(matching filter: Filter = Filter(), limit: Int? = nil) -> [Entry] {
        let bytes = filter.bytes
        lock.lock(); defer { lock.unlock() }
        var matched: [Int] = []
        if let limit {
            // From the newest back, so only the entries returned are looked at past the limit.
            var index = store.count - 1
            while index >= 0 && matched.count < limit {
                if store.matches(index, bytes) { matched.append(index) }
                index -= 1
            }
            matched.reverse()
        } else {
            matched.reserveCapacity(store.count)
            for index in 0..<store.count where store.matches(index, bytes) { matched.append(index) }
        }
        var entries: [Entry] = []
        entries.reserveCapacity(matched.count)
        for index in matched { entries.append(store.entry(index)) }
        return entries
    }

    public func count(matching filter: Filter = Filter()) -> Int {
        let bytes = filter.bytes
        lock.lock(); defer { lock.unlock() }
        if bytes.matchesEverything { return store.count }
        var n = 0
        for index in 0..<store.count where store.matches(index, bytes) { n += 1 }
        return n
    }

    public func clear() {
        lock.lock(); defer { lock.unlock() }
        store.removeAll()
    }
}

/// `*` matches any run of characters (slashes included); everything else is literal.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        var pattern = pattern, text = text
        return pattern.withUTF8 { p in text.withUTF8 { t in matches(UnsafeRawBufferPointer(p), UnsafeRawBufferPointer(t)) } }
    }

    static func matches(_ p: UnsafeRawBufferPointer, _ t: UnsafeRawBufferPointer) -> Bool {
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
