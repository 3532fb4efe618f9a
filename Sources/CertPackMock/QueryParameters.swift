import ASCIIBytes
/// `application/x-www-form-urlencoded` query parsing, for the few list parameters.
struct QueryParameters {
    private var pairs: [(String, String)] = []

    init(_ query: Substring?) {
        guard let query else { return }
        for part in query.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((Self.decode(kv[0]), kv.count > 1 ? Self.decode(kv[1]) : ""))
        }
    }

    /// The last value given for `name` (as most frameworks do).
    subscript(name: String) -> String? { pairs.last { $0.0 == name }?.1 }

    static func decode(_ s: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let c = it.next() {
            if c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"), let h = it.next(), let l = it.next(), let hi = ASCII.hexValue(h), let lo = ASCII.hexValue(l) {
                bytes.append(hi << 4 | lo)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
