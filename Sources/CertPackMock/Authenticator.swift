import ASCIIBytes
import CertificatePacks
import HTTPServer

/// Who is calling, decided from the headers exactly as Cloudflare's gateway does:
/// missing headers 9106, malformed ones 6003 with an `error_chain`, unknown ones
/// 9103 (key) or 9109 (token). A listed credential is valid whatever its format.
struct Authenticator: Sendable {
    let registry: CredentialRegistry

    func authenticate(_ headers: HTTPHeaders) throws(APIError) -> Credential {
        let email = headers["X-Auth-Email"]
        let key = headers["X-Auth-Key"]
        let authorization = headers["Authorization"]

        // With both, the e-mail/key pair wins, as in Cloudflare's SDKs.
        if let email, let key {
            if let credential = registry.globalKey(email: email, key: key) { return credential }
            var chain: [APIError.Item] = []
            if !Self.looksLikeEmail(email) { chain.append(APIError.invalidEmailFormat) }
            if !Self.looksLikeGlobalKey(key) { chain.append(APIError.invalidKeyFormat) }
            throw chain.isEmpty ? .unknownGlobalKey : .invalidRequestHeaders(chain)
        }
        guard let authorization else { throw .missingAuthHeaders }
        guard let token = Self.bearerToken(authorization) else {
            throw .invalidRequestHeaders([APIError.invalidAuthorizationFormat])
        }
        if let credential = registry.token(token) { return credential }
        throw Self.looksLikeToken(token) ? .invalidAccessToken : .invalidRequestHeaders([APIError.invalidAuthorizationFormat])
    }

    /// `Bearer <token>`, the scheme case-insensitive (RFC 9110 §11.1). Scans bytes:
    /// Character-level trimming and lowercasing cost more than the rest of the check.
    static func bearerToken(_ value: String) -> Substring? {
        let bounds: Range<Int>? = ASCII.withUTF8(value) { bytes in
            var lo = 0, hi = bytes.count
            while lo < hi, bytes[lo] == 0x20 { lo += 1 }
            guard hi - lo > 7, ASCII.hasPrefixIgnoringCase(bytes, at: lo, "bearer ") else { return nil }
            lo += 7
            while lo < hi, bytes[lo] == 0x20 { lo += 1 }
            while hi > lo, bytes[hi - 1] == 0x20 { hi -= 1 }
            return lo < hi ? lo..<hi : nil
        }
        guard let bounds else { return nil }
        let utf8 = value.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: bounds.lowerBound)
        return value[lower..<utf8.index(lower, offsetBy: bounds.count)]
    }

    /// Real API tokens: 40 characters of `[A-Za-z0-9_-]`, or newer ones with a `cfat_` prefix.
    static func looksLikeToken(_ token: Substring) -> Bool {
        let body = token.hasPrefix("cfat_") ? token.dropFirst(5) : token
        guard token.hasPrefix("cfat_") ? body.utf8.count >= 40 : body.utf8.count == 40 else { return false }
        return body.utf8.allSatisfy { ASCII.isLetterOrDigit($0) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Global API keys: 37 lowercase hex characters.
    static func looksLikeGlobalKey(_ key: String) -> Bool {
        key.utf8.count == 37 && key.utf8.allSatisfy(ASCII.isLowerHex)
    }

    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !email.contains(" ")
    }
}
