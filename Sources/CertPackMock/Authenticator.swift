import HTTPServer

/// Who is calling, decided from the headers exactly as Cloudflare's gateway does:
/// missing headers 9106, malformed ones 6003 with an `error_chain`, unknown ones
/// 9103 (key) or 9109 (token). A listed credential is valid whatever its format.
struct Authenticator: Sendable {
    let registry: CredentialRegistry

    func authenticate(_ headers: HTTPHeaders) -> Result<Credential, APIError> {
        let email = headers["X-Auth-Email"]
        let key = headers["X-Auth-Key"]
        let authorization = headers["Authorization"]

        // With both, the e-mail/key pair wins, as in Cloudflare's SDKs.
        if let email, let key {
            if let credential = registry.globalKey(email: email, key: key) { return .success(credential) }
            var chain: [APIError.Item] = []
            if !Self.looksLikeEmail(email) { chain.append(APIError.invalidEmailFormat) }
            if !Self.looksLikeGlobalKey(key) { chain.append(APIError.invalidKeyFormat) }
            return .failure(chain.isEmpty ? .unknownGlobalKey : .invalidRequestHeaders(chain))
        }
        guard let authorization else { return .failure(.missingAuthHeaders) }
        guard let token = Self.bearerToken(authorization) else {
            return .failure(.invalidRequestHeaders([APIError.invalidAuthorizationFormat]))
        }
        if let credential = registry.token(token) { return .success(credential) }
        return .failure(Self.looksLikeToken(token) ? .invalidAccessToken : .invalidRequestHeaders([APIError.invalidAuthorizationFormat]))
    }

    /// `Bearer <token>`, the scheme case-insensitive (RFC 9110 §11.1).
    static func bearerToken(_ value: String) -> Substring? {
        let trimmed = value.drop { $0 == " " }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).drop { $0 == " " }
        let end = token.lastIndex { $0 != " " }.map { token.index(after: $0) } ?? token.startIndex
        let result = token[..<end]
        return result.isEmpty ? nil : result
    }

    /// Real API tokens: 40 characters of `[A-Za-z0-9_-]`, or newer ones with a `cfat_` prefix.
    static func looksLikeToken(_ token: Substring) -> Bool {
        let body = token.hasPrefix("cfat_") ? token.dropFirst(5) : token
        guard token.hasPrefix("cfat_") ? body.utf8.count >= 40 : body.utf8.count == 40 else { return false }
        return body.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2D }
    }

    /// Global API keys: 37 lowercase hex characters.
    static func looksLikeGlobalKey(_ key: String) -> Bool {
        key.utf8.count == 37 && key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    static func looksLikeEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !email.contains(" ")
    }
}
