import ASCIIBytes
/// Hostname syntax (RFC 1123 labels, one leading `*` label for wildcards).
public enum Hostname {
    public static func isValid(_ host: String) -> Bool {
        ASCII.withUTF8(host) { bytes in
            guard !bytes.isEmpty, bytes.count <= 253 else { return false }
            // One pass over the bytes, label by label, with no copies.
            var labels = 0
            var start = 0
            for end in 0...bytes.count where end == bytes.count || bytes[end] == UInt8(ascii: ".") {
                let label = UnsafeBufferPointer(rebasing: bytes[start..<end])
                defer { labels += 1; start = end + 1 }
                if labels == 0 && label.count == 1 && label[0] == UInt8(ascii: "*") { continue }
                guard (1...63).contains(label.count),
                      label[0] != UInt8(ascii: "-"), label[label.count - 1] != UInt8(ascii: "-"),
                      label.allSatisfy(isLabelByte) else { return false }
            }
            return labels >= 2
        }
    }

    /// ASCII letters lowered, every other byte kept: DNS names compare case-insensitively
    /// in ASCII only, and a non-ASCII byte must stay to be refused by `isValid` (Unicode
    /// lowercasing would turn the Kelvin sign into a valid `k`).
    public static func lowercased(_ host: String) -> String {
        ASCII.lowercased(host)
    }

    /// The apex itself, or any name below it (a wildcard covers one label below its base).
    public static func host(_ host: String, isIn zone: String) -> Bool {
        host == zone || host.hasSuffix("." + zone)
    }

    private static func isLabelByte(_ c: UInt8) -> Bool {
        ASCII.isLowercase(c) || ASCII.isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}
