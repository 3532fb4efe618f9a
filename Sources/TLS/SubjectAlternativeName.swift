import COpenSSL

/// A name a server certificate is valid for (RFC 5280 §4.2.1.6): a DNS name or an IP address.
public enum SubjectAlternativeName: Sendable, Hashable, CustomStringConvertible {
    case dns(String)
    case ipAddress(String)

    /// The names every certificate made by the mock covers: loopback under its usual names,
    /// and Cloudflare's API host, so a client that cannot change its URL can be pointed here.
    public static let defaults: [SubjectAlternativeName] = [
        .dns("localhost"), .ipAddress("127.0.0.1"), .ipAddress("::1"), .dns("api.cloudflare.com"),
    ]

    /// Reads `text` as an IP address when it is one (IPv4 dotted quad or IPv6, brackets
    /// allowed), else as a DNS name (a `*.` wildcard allowed in the first label).
    public init(parsing text: String) throws(TLSError) {
        var name = text
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if IPAddressText.isIPv4(name) || IPAddressText.isIPv6(name) {
            self = .ipAddress(name)
            return
        }
        let lowered = String(decoding: name.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        guard Self.isDNSName(lowered) else {
            throw TLSError("--tls-hostname '\(text)' is neither a DNS name (letters, digits, '-', '.', an optional leading '*.') nor an IP address")
        }
        self = .dns(lowered)
    }

    /// Refuses what passes the syntax check above but cannot go into a certificate (e.g. the
    /// IPv6 text "1:2:3:::::::9"), with the same conversion the certificate uses. Called at
    /// start-up, since the certificate itself is made on first need.
    public func checkEncodable() throws(TLSError) {
        guard case .ipAddress(let address) = self else { return }
        OpenSSLLibrary.initialize()
        OpenSSLErrorQueue.clear()
        guard let octets = a2i_IPADDRESS(address) else {
            OpenSSLErrorQueue.clear()
            throw TLSError("--tls-hostname '\(address)' is not an IP address")
        }
        ASN1_STRING_free(octets)
    }

    public var description: String {
        switch self {
        case .dns(let name): "DNS:\(name)"
        case .ipAddress(let address): "IP:\(address)"
        }
    }

    /// RFC 1123 labels of letters, digits and hyphens, at most 253 bytes; `*` only as the whole first label.
    static func isDNSName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if index == 0, label.elementsEqual([UInt8(ascii: "*")]), labels.count > 2 { continue }
            guard !label.isEmpty, label.count <= 63,
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        return true
    }
}

/// Address syntax checks without the resolver: a name never reaches DNS at start-up.
enum IPAddressText {
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && Int(part)! <= 255
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.count <= 45 else { return false }
        return text.utf8.allSatisfy { byte in
            byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".")
                || (48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)
        }
    }
}
