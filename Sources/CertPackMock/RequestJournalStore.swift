import HTTPServer

/// What `RequestJournal` holds behind its lock: a ring of fixed-size slots, one per entry,
/// oldest first, whose text and bodies lie in a `RequestJournalArena`. A slot holds no
/// reference-counted field, so keeping an entry costs no retain and dropping one no release;
/// `Entry` values are made only for readers.
struct RequestJournalStore: ~Copyable {
    /// One entry. Its bytes, from `bytes` on: the error codes (8 bytes each, first so they
    /// stay aligned), method, target, credential, TLS version, ALPN, request body, answer body.
    struct Slot {
        var sequence: Int
        var time: Double
        var durationMilliseconds: Double
        var status: Int
        var chunk: Int
        var bytes: UnsafeMutableRawPointer
        // UInt32 is room enough: the parser's limits keep a request line and headers to
        // kilobytes, and bodies are cut at `bodyLimit`.
        var byteCount: UInt32
        var codeCount: UInt32
        var methodCount: UInt32
        var targetCount: UInt32
        var credentialCount: UInt32
        var requestBodyCount: UInt32
        var responseBodyCount: UInt32
        var tlsVersionCount: UInt32
        /// -1 when there was no TLS or no ALPN.
        var alpnCount: Int32
        var versionMajor: Int16
        var versionMinor: Int16
        var hasTLS: Bool
    }

    /// Bodies are kept up to 64 KiB each.
    static let bodyLimit = 65_536
    /// What an entry costs beyond its bytes, as `maxBytes` counts it (its slot, roughly).
    static let slotCost = 128

    let capacity: Int
    let maxBytes: Int
    private var slots: UnsafeMutablePointer<Slot>?
    private var slotCapacity = 0
    private var head = 0
    private(set) var count = 0
    private(set) var nextSequence = 1
    /// Bytes of entries held plus `slotCost` each, so 64 KiB bodies cannot make the journal huge.
    private var heldBytes = 0
    private var arena = RequestJournalArena()

    init(capacity: Int, maxBytes: Int) {
        self.capacity = capacity
        self.maxBytes = maxBytes
    }

    deinit { slots?.deallocate() }

    // MARK: Writing

    /// Copies what the entry needs from the request and its answer, dropping the oldest
    /// entries first to stay within `capacity` and `maxBytes` (the newest is always kept).
    mutating func record(_ request: HTTPRequest, status: Int, responseBody: [UInt8], errorCodes: [Int], credential: String,
                         time: Double, durationMilliseconds: Double) {
        let tls = request.tls
        let methodCount = request.method.utf8.count, targetCount = request.target.utf8.count
        let credentialCount = credential.utf8.count
        let tlsVersionCount = tls?.version.utf8.count ?? 0, alpnCount = tls?.alpn?.utf8.count
        let requestBodyCount = min(request.body.count, Self.bodyLimit)
        let responseBodyCount = min(responseBody.count, Self.bodyLimit)
        let used = errorCodes.count * 8 + methodCount + targetCount + credentialCount + tlsVersionCount + (alpnCount ?? 0)
            + requestBodyCount + responseBodyCount
        let byteCount = (used + 7) & ~7

        makeRoom(for: byteCount)
        let (chunk, start) = arena.reserve(byteCount)
        var p = start
        if !errorCodes.isEmpty { p = Self.put(errorCodes, byteCount: errorCodes.count * 8, at: p) }
        p = Self.put(request.method, at: p)
        p = Self.put(request.target, at: p)
        p = Self.put(credential, at: p)
        if let tls {
            p = Self.put(tls.version, at: p)
            if let alpn = tls.alpn { p = Self.put(alpn, at: p) }
        }
        p = Self.put(request.body, byteCount: requestBodyCount, at: p)
        _ = Self.put(responseBody, byteCount: responseBodyCount, at: p)

        let slot = Slot(
            sequence: nextSequence, time: time, durationMilliseconds: durationMilliseconds, status: status,
            chunk: chunk, bytes: start, byteCount: UInt32(truncatingIfNeeded: byteCount),
            codeCount: UInt32(truncatingIfNeeded: errorCodes.count), methodCount: UInt32(truncatingIfNeeded: methodCount),
            targetCount: UInt32(truncatingIfNeeded: targetCount), credentialCount: UInt32(truncatingIfNeeded: credentialCount),
            requestBodyCount: UInt32(truncatingIfNeeded: requestBodyCount),
            responseBodyCount: UInt32(truncatingIfNeeded: responseBodyCount),
            tlsVersionCount: UInt32(truncatingIfNeeded: tlsVersionCount), alpnCount: Int32(truncatingIfNeeded: alpnCount ?? -1),
            versionMajor: Int16(truncatingIfNeeded: request.version.major),
            versionMinor: Int16(truncatingIfNeeded: request.version.minor), hasTLS: tls != nil)
        if count == slotCapacity { growSlots() }
        let tail = head + count
        (slots.unsafelyUnwrapped + (tail < slotCapacity ? tail : tail - slotCapacity)).initialize(to: slot)
        count += 1
        nextSequence += 1
        heldBytes += byteCount + Self.slotCost
    }

    /// Drops the oldest entries until one of `byteCount` more bytes fits, then gives back
    /// the chunks no entry is left in.
    private mutating func makeRoom(for byteCount: Int) {
        var dropped = false
        if count >= capacity { dropOldest(); dropped = true }
        while count > 0 && heldBytes + byteCount + Self.slotCost > maxBytes { dropOldest(); dropped = true }
        guard dropped else { return }
        if count == 0 { arena.releaseAll() } else { arena.release(before: slot(0).chunk) }
    }

    private mutating func dropOldest() {
        heldBytes -= Int(slot(0).byteCount) + Self.slotCost
        head = head + 1 == slotCapacity ? 0 : head + 1
        count -= 1
    }

    /// Twice the slots (up to `capacity`), the ring unrolled so the oldest is first.
    private mutating func growSlots() {
        let grown = min(capacity, max(64, slotCapacity * 2))
        let fresh = UnsafeMutablePointer<Slot>.allocate(capacity: grown)
        if let old = slots {
            let firstRun = min(count, slotCapacity - head)
            fresh.moveInitialize(from: old + head, count: firstRun)
            (fresh + firstRun).moveInitialize(from: old, count: count - firstRun)
            old.deallocate()
        }
        slots = fresh
        slotCapacity = grown
        head = 0
    }

    mutating func removeAll() {
        count = 0
        head = 0
        heldBytes = 0
        arena.releaseAll()
    }

    private static func put(_ s: String, at p: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        let copied = s.utf8.withContiguousStorageIfAvailable { bytes in
            if let base = bytes.baseAddress { p.copyMemory(from: base, byteCount: bytes.count) }
            return p + bytes.count
        }
        if let copied { return copied }
        var q = p
        for byte in s.utf8 { q.storeBytes(of: byte, as: UInt8.self); q += 1 }
        return q
    }

    private static func put<T>(_ array: [T], byteCount: Int, at p: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        guard byteCount > 0 else { return p }
        array.withUnsafeBytes { p.copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: byteCount) }
        return p + byteCount
    }

    // MARK: Reading

    /// The `index`th entry held, oldest first.
    func slot(_ index: Int) -> Slot {
        let i = head + index
        return slots.unsafelyUnwrapped[i < slotCapacity ? i : i - slotCapacity]
    }

    /// Where the entry with this sequence number is held, if it still is (sequences held are consecutive).
    func index(ofSequence sequence: Int) -> Int? {
        let index = sequence - (nextSequence - count)
        return index >= 0 && index < count ? index : nil
    }

    func matches(_ index: Int, _ filter: RequestJournal.Filter.Bytes) -> Bool {
        let s = slot(index)
        if let status = filter.status, status != s.status { return false }
        if let code = filter.errorCode {
            var found = false
            for i in 0..<Int(s.codeCount) where s.bytes.load(fromByteOffset: i * 8, as: Int.self) == code { found = true; break }
            if !found { return false }
        }
        let method = UnsafeRawBufferPointer(start: s.bytes + Int(s.codeCount) * 8, count: Int(s.methodCount))
        if let wanted = filter.method, !wanted.elementsEqual(method) { return false }
        if let pattern = filter.path {
            let target = UnsafeRawBufferPointer(start: method.baseAddress.unsafelyUnwrapped + method.count, count: Int(s.targetCount))
            let path = UnsafeRawBufferPointer(rebasing: target[..<(target.firstIndex(of: UInt8(ascii: "?")) ?? target.count)])
            if !pattern.withUnsafeBytes({ Glob.matches($0, path) }) { return false }
        }
        return true
    }

    /// The `index`th entry decoded into the value readers get.
    func entry(_ index: Int) -> RequestJournal.Entry {
        let s = slot(index)
        var p = UnsafeRawPointer(s.bytes)
        var codes: [Int] = []
        if s.codeCount > 0 {
            codes.reserveCapacity(Int(s.codeCount))
            for i in 0..<Int(s.codeCount) { codes.append(p.load(fromByteOffset: i * 8, as: Int.self)) }
            p += Int(s.codeCount) * 8
        }
        func next(_ count: UInt32) -> UnsafeRawBufferPointer {
            defer { p += Int(count) }
            return UnsafeRawBufferPointer(start: p, count: Int(count))
        }
        let method = String(decoding: next(s.methodCount), as: UTF8.self)
        let target = String(decoding: next(s.targetCount), as: UTF8.self)
        let credential = String(decoding: next(s.credentialCount), as: UTF8.self)
        var tls: TLSConnectionInfo?
        if s.hasTLS {
            let version = String(decoding: next(s.tlsVersionCount), as: UTF8.self)
            let alpn = s.alpnCount < 0 ? nil : String(decoding: next(UInt32(s.alpnCount)), as: UTF8.self)
            tls = TLSConnectionInfo(version: version, alpn: alpn)
        }
        let requestBody = [UInt8](next(s.requestBodyCount))
        let responseBody = [UInt8](next(s.responseBodyCount))
        return RequestJournal.Entry(
            sequence: s.sequence, time: s.time, method: method, target: target, status: s.status, errorCodes: codes,
            durationMilliseconds: s.durationMilliseconds, credential: credential, requestBody: requestBody,
            responseBody: responseBody,
            protocolName: HTTPVersion(major: Int(s.versionMajor), minor: Int(s.versionMinor)).protocolName, tls: tls)
    }
}
