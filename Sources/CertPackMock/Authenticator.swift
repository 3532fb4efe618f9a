import ASCIIBytes
import CertificatePacks
import HTTPServer

/// Who is calling, decided from the headers exactly as Cloudflare's gateway does:
/// missing headers 9106, malformed ones 6003 with an `error_chain`, unknown ones
/// 9103 (key) or 9109 (token). A listed credential is valid whatever its format.
struct Authenticator: Sendable {
    let registry: CredentialRegistry

    func authenticate(_ headers: HTTPHeaders) throws(APIError) -> Credential {
        // With both, the e-mail/key pair wins, as in Cloudflare's SDKs.
        if let email = headers["X-Auth-Email"], let key = headers["X-Auth-Key"] {
            if let credential = registry.globalKey(email: email, key: key) { return credential }
            var chain: [APIError.Item] = []
            if !Self.looksLikeEmail(email) { chain.append(APIError.invalidEmailFormat) }
            if !Self.looksLikeGlobalKey(key) { chain.append(APIError.invalidKeyFormat) }
            throw chain.isEmpty ? .unknownGlobalKey : .invalidRequestHeaders(chain)
        }
        // Read in place: a String of the header would be allocated for every request.
        var credential: Credential?
        var refusal: APIError?
        _ = headers.firstValue("Authorization") { authorization in
            do throws(APIError) { credential = try authenticateBearer(authorization) } catch { refusal = error }
            return true
        }
        // Moved out, not copied: a Credential holds four Strings and Sets.
        if let credential = credential.take() { return credential }
        throw refusal ?? .missingAuthHeaders
    }

    private func authenticateBearer(_ authorization: UnsafeBufferPointer<UInt8>) throws(APIError) -> Credential {
        guard let token = Self.bearerToken(authorization) else {
            throw .invalidRequestHeaders([APIError.invalidAuthorizationFormat])
        }
        if let credential = registry.token(token) { return credential }
        throw Self.looksLikeToken(token) ? .invalidAccessToken : .invalidRequestHeaders([APIError.invalidAuthorizationFormat])
    }

    /// The token of `Bearer <token>`, the scheme case-insensitive (RFC 9110 §11.1),
    /// trimmed of spaces; nil for another scheme or no token.
    static func bearerToken(_ value: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var lo = 0, hi = value.count
        while lo < hi, value[lo] == 0x20 { lo += 1 }
        guard hi - lo > 7, ASCII.hasPrefixIgnoringCase(value, at: lo, "bearer ") else { return nil }
        lo += 7
        while lo < hi, value[lo] == 0x20 { lo += 1 }
        while hi > lo, value[hi - 1] == 0x20 { hi -= 1 }
        return lo < hi ? UnsafeBufferPointer(rebasing: value[lo..<hi]) : nil
    }

    /// Real API tokens: 40 characters of `[A-Za-z0-9_-]`, or newer ones with a `cfat_` prefix.
    static func looksLikeToken(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefixed = token.starts(with: "cfat_".utf8)
        let body = prefixed ? UnsafeBufferPointer(rebasing: token[5...]) : token
        guard prefixed ? body.count >= 40 : body.count == 40 else { return false }
        return body.allSatisfy { ASCII.isLetterOrDigit($0) || $0 == 0x5F || $0 == 0x2D }
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
