/// A JSON object: members in arrival order, duplicate keys kept.
///
/// Lookup by key returns the LAST member with that key, as Go's
/// `encoding/json`, JavaScript's `JSON.parse` and Foundation do. Keys match
/// by exact UTF-8 bytes (Swift's `String ==` would also match canonically
/// equivalent keys such as "é" and "e\u{301}").
public struct JSONObject: Sendable, Equatable {
    public var members: [(key: String, value: JSONValue)]

    @inlinable
    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { sameKey($0.key, $1.key) && $0.value == $1.value }
    }

    /// The value of the last member named `key`.
    ///
    /// Setting replaces the last member with that key (or appends one);
    /// setting `nil` removes every member with that key.
    @inlinable
    public subscript(key: String) -> JSONValue? {
        get {
            var i = members.endIndex
            while i > members.startIndex {
                i -= 1
                if JSONObject.sameKey(members[i].key, key) { return members[i].value }
            }
            return nil
        }
        set {
            guard let newValue else {
                members.removeAll { JSONObject.sameKey($0.key, key) }
                return
            }
            if let i = members.lastIndex(where: { JSONObject.sameKey($0.key, key) }) {
                members[i].value = newValue
            } else {
                members.append((key: key, value: newValue))
            }
        }
    }

    /// Whether some member is named `key`.
    @inlinable public func contains(key: String) -> Bool { members.contains { JSONObject.sameKey($0.key, key) } }

    /// The keys in arrival order, duplicates included.
    @inlinable public var keys: [String] { members.map(\.key) }

    /// Keys that occur more than once, each reported once, in order of first repetition.
    public var duplicateKeys: [String] {
        var seen = Set<[UInt8]>()
        var reported = Set<[UInt8]>()
        var dups: [String] = []
        for m in members {
            let bytes = Array(m.key.utf8)
            if !seen.insert(bytes).inserted, reported.insert(bytes).inserted { dups.append(m.key) }
        }
        return dups
    }

    /// Byte-exact key equality.
    @inlinable
    static func sameKey(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        // Native strings are contiguous: compare buffers, not UTF8View iterators.
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in x.elementsEqual(y) }
        }
        return (fast ?? nil) ?? a.utf8.elementsEqual(b.utf8)
    }

    @inlinable public var count: Int { members.count }
    @inlinable public var isEmpty: Bool { members.isEmpty }

    /// Appends a member, even if the key already exists.
    @inlinable public mutating func append(key: String, value: JSONValue) {
        members.append((key: key, value: value))
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Members are kept in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }
}
