/// Comparison whose time does not depend on where two secrets first differ.
enum ConstantTime {
    static func equals(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        var diff = UInt8(a.utf8.count == b.utf8.count ? 0 : 1)
        var ib = b.utf8.makeIterator()
        for x in a.utf8 { diff |= x ^ (ib.next() ?? 0) }
        return diff == 0
    }
}
