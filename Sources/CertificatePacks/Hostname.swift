/// Hostname syntax (RFC 1123 labels, one leading `*` label for wildcards).
public enum Hostname {
    public static func isValid(_ host: String) -> Bool {
        let bytes = Array(host.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for (i, label) in labels.enumerated() {
            if i == 0 && label.count == 1 && label.first == UInt8(ascii: "*") { continue }
            guard (1...63).contains(label.count),
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isLabelByte($0) }) else { return false }
        }
        return true
    }

    /// The apex itself, or any name below it (a wildcard covers one label below its base).
    public static func host(_ host: String, isIn zone: String) -> Bool {
        host == zone || host.hasSuffix("." + zone)
    }

    private static func isLabelByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }
}
