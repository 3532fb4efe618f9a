/// A token permission the certificate-pack routes check.
public enum Permission: String, Sendable, CaseIterable, Codable {
    case sslRead = "#ssl:read"
    case sslEdit = "#ssl:edit"
}

/// A credential the mock accepts: an API token with permissions and zone scope,
/// or a global API key with its e-mail (all permissions).
public struct Credential: Sendable, Equatable {
    public enum Secret: Sendable, Equatable {
        case apiToken(String)
        case globalKey(email: String, key: String)
    }

    public var secret: Secret
    public var permissions: Set<Permission>
    /// Zone ids this credential may touch; nil means every zone.
    public var zones: Set<String>?
    /// A label for logs and the journal (never the secret).
    public var name: String

    public init(secret: Secret, permissions: Set<Permission> = Set(Permission.allCases), zones: Set<String>? = nil, name: String) {
        self.secret = secret
        self.permissions = permissions
        self.zones = zones
        self.name = name
    }

    public func allows(_ permission: Permission, zoneID: String) -> Bool {
        // A scan of at most two: `Set.contains` would hash the permission's raw string.
        permissions.contains { $0 == permission } && (zones?.contains(zoneID) ?? true)
    }

    /// The secret with all but its first four characters masked, for start-up lines.
    public var maskedSecret: String {
        switch secret {
        case .apiToken(let t): return Self.mask(t)
        case .globalKey(let email, let key): return "\(email) / \(Self.mask(key))"
        }
    }

    static func mask(_ s: String) -> String { String(s.prefix(4)) + String(repeating: "*", count: max(0, min(s.count, 40) - 4)) }
}
