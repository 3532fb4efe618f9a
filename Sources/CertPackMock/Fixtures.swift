import CertificatePacks
import FoundationEssentials
import StrictJSON

/// The zones, credentials and packs loaded at start. `builtIn` equals the files in
/// the repository's `fixtures/` (a test keeps them in step), so the binary and the
/// in-process helper need no files; `--fixtures DIR` replaces them.
public struct Fixtures: Sendable, Equatable {
    public var zones: [Zone]
    public var credentials: [Credential]
    public var packs: [FixturePack]

    public init(zones: [Zone], credentials: [Credential], packs: [FixturePack] = []) {
        self.zones = zones
        self.credentials = credentials
        self.packs = packs
    }

    /// A pack present from the start: in its final stage when `status` is `active`, pinned otherwise.
    public struct FixturePack: Sendable, Equatable {
        public var id: String
        public var zoneID: String
        public var order: OrderRequest
        public var status: PackStatus

        public init(id: String, zoneID: String, order: OrderRequest, status: PackStatus = .active) {
            self.id = id
            self.zoneID = zoneID
            self.order = order
            self.status = status
        }
    }

    public static let docsZoneID = "023e105f4ecef8ad9ca31a8372d0c353"

    public static let builtIn = Fixtures(
        zones: [
            Zone(id: docsZoneID, name: "example.com", advancedCertificateManager: true, enterprise: true, quotaAllocated: 100),
            Zone(id: "9a7806061c88ada191ed06f989cc3dac", name: "example.net", advancedCertificateManager: true, enterprise: false, quotaAllocated: 5),
            Zone(id: "372e67954025e0ba6aaa6d586b9e0b59", name: "example.org", advancedCertificateManager: false, enterprise: false, quotaAllocated: 0),
        ],
        credentials: [
            Credential(secret: .apiToken("certpackmock-ssl-edit-000000000000000000"), name: "ssl-edit-token"),
            Credential(secret: .apiToken("certpackmock-ssl-read-000000000000000000"), permissions: [.sslRead], name: "ssl-read-token"),
            Credential(secret: .apiToken("certpackmock-example-net-000000000000000"), zones: ["9a7806061c88ada191ed06f989cc3dac"], name: "example-net-token"),
            Credential(secret: .apiToken("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"), name: "docs-example-token"),
            Credential(secret: .globalKey(email: "user@example.com", key: "144c9defac04969c7bfad8efaa8ea194"), name: "docs-example-global-key"),
            Credential(secret: .globalKey(email: "admin@example.com", key: "0123456789abcdef0123456789abcdef01234"), name: "global-key"),
        ],
        packs: [
            FixturePack(id: docsZoneID, zoneID: docsZoneID, order: OrderRequest(
                hosts: ["example.com", "*.example.com", "www.example.com"], validationMethod: .txt,
                validityDays: 90, certificateAuthority: .letsEncrypt)),
            // The example id of the certificate-pack operations in Cloudflare's current reference.
            FixturePack(id: "3822ff90-ea29-44df-9e55-21300bb9419b", zoneID: docsZoneID, order: OrderRequest(
                hosts: ["example.com", "*.example.com", "www.example.com"], validationMethod: .txt,
                validityDays: 90, certificateAuthority: .letsEncrypt)),
            // The example of the SSL verification operations: waiting on http validation, so the
            // docs' PATCH to txt changes its method.
            FixturePack(id: "a77f8bd7-3b47-46b4-a6f1-75cf98109948", zoneID: docsZoneID, order: OrderRequest(
                hosts: ["example.com", "www.example.com"], validationMethod: .http,
                validityDays: 90, certificateAuthority: .google), status: .pendingValidation),
        ])
}

/// A fixture file that cannot be used; the message names the file, the entry and the field.
public struct FixtureError: Error, CustomStringConvertible, Equatable {
    public var description: String
}

extension Fixtures {
    /// Reads `zones.json`, `credentials.json` and (optionally) `packs.json` from `directory`.
    public static func load(directory: String) throws -> Fixtures {
        let zones = try entries(directory, "zones.json", required: true).map(zone)
        let zoneIDs = Set(zones.map(\.id))
        let credentials = try entries(directory, "credentials.json", required: true).map { try credential($0, zoneIDs) }
        let packs = try entries(directory, "packs.json", required: false).map { try pack($0, zoneIDs) }
        return Fixtures(zones: zones, credentials: credentials, packs: packs)
    }

    /// One object of a fixture file, with what is needed to name it in an error.
    struct Entry {
        let file: String
        let index: Int
        let object: JSONObject

        func fail(_ field: String, _ problem: String) -> FixtureError {
            FixtureError(description: "\(file): entry \(index + 1): field '\(field)': \(problem)")
        }

        func string(_ field: String, optional: Bool = false) throws -> String? {
            switch object[field] {
            case .string(let s)?: return s
            case nil where optional: return nil
            case nil: throw fail(field, "is required")
            case let other?: throw fail(field, "must be a string, found \(other.typeName)")
            }
        }

        func bool(_ field: String, default value: Bool) throws -> Bool {
            switch object[field] {
            case .bool(let b)?: return b
            case nil: return value
            case let other?: throw fail(field, "must be true or false, found \(other.typeName)")
            }
        }

        func int(_ field: String, default value: Int? = nil) throws -> Int {
            switch object[field] {
            case .number(let n)?:
                guard let i = n.exactInteger else { throw fail(field, "must be a whole number, found \(n.literal)") }
                return i
            case nil:
                guard let value else { throw fail(field, "is required") }
                return value
            case let other?: throw fail(field, "must be a number, found \(other.typeName)")
            }
        }

        func strings(_ field: String) throws -> [String]? {
            switch object[field] {
            case nil: return nil
            case .array(let items)?:
                return try items.map {
                    guard case .string(let s) = $0 else { throw fail(field, "must be an array of strings") }
                    return s
                }
            case let other?: throw fail(field, "must be an array of strings, found \(other.typeName)")
            }
        }
    }

    static func entries(_ directory: String, _ name: String, required: Bool) throws -> [Entry] {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else {
            if !required { return [] }
            throw FixtureError(description: "\(path): cannot read the file (the fixtures folder needs zones.json and credentials.json; see fixtures/ in the repository)")
        }
        let value: JSONValue
        do {
            value = try JSONReader.parse([UInt8](data))
        } catch {
            throw FixtureError(description: "\(path): not valid JSON at byte \(error.offset): \(error.reason)")
        }
        guard case .array(let items) = value else {
            throw FixtureError(description: "\(path): must be a JSON array of objects, found \(value.typeName)")
        }
        return try items.enumerated().map { index, item in
            guard case .object(let object) = item else {
                throw FixtureError(description: "\(path): entry \(index + 1): must be an object, found \(item.typeName)")
            }
            return Entry(file: path, index: index, object: object)
        }
    }

    static func zone(_ e: Entry) throws -> Zone {
        let id = try e.string("id")!
        guard Identifier.isHex32(id) else { throw e.fail("id", "must be 32 lowercase hex characters, found '\(id)'") }
        let name = try e.string("name")!
        guard Hostname.normalized(name) != nil, !name.hasPrefix("*") else { throw e.fail("name", "must be a hostname such as example.com, found '\(name)'") }
        let quota = try e.int("quota", default: 100)
        guard quota >= 0 else { throw e.fail("quota", "must not be negative") }
        return Zone(id: id, name: name, advancedCertificateManager: try e.bool("advanced_certificate_manager", default: true),
                    enterprise: try e.bool("enterprise", default: false), quotaAllocated: quota)
    }

    static func credential(_ e: Entry, _ zoneIDs: Set<String>) throws -> Credential {
        let name = try e.string("name", optional: true) ?? "credential-\(e.index + 1)"
        let secret: Credential.Secret
        if let token = try e.string("token", optional: true) {
            guard !token.isEmpty, !token.contains(" ") else { throw e.fail("token", "must be non-empty and contain no spaces") }
            secret = .apiToken(token)
        } else if let email = try e.string("email", optional: true) {
            guard let key = try e.string("key", optional: true), !key.isEmpty else { throw e.fail("key", "is required with 'email'") }
            secret = .globalKey(email: email, key: key)
        } else {
            throw e.fail("token", "each credential needs 'token', or 'email' and 'key'")
        }
        var permissions = Set(Permission.allCases)
        if let names = try e.strings("permissions") {
            permissions = try Set(names.map {
                guard let p = Permission(rawValue: $0) else { throw e.fail("permissions", "'\($0)' is not one of #ssl:read, #ssl:edit") }
                return p
            })
        }
        var zones: Set<String>?
        if let ids = try e.strings("zones"), !ids.contains("*") {
            for id in ids where !zoneIDs.contains(id) { throw e.fail("zones", "'\(id)' is not a zone of zones.json (use \"*\" for all)") }
            zones = Set(ids)
        }
        return Credential(secret: secret, permissions: permissions, zones: zones, name: name)
    }

    static func pack(_ e: Entry, _ zoneIDs: Set<String>) throws -> FixturePack {
        let id = try e.string("id")!
        guard Identifier.isPackID(id) else { throw e.fail("id", "must be 32 lowercase hex characters or a UUID, found '\(id)'") }
        let zoneID = try e.string("zone_id")!
        guard zoneIDs.contains(zoneID) else { throw e.fail("zone_id", "'\(zoneID)' is not a zone of zones.json") }
        guard let hosts = try e.strings("hosts"), !hosts.isEmpty else { throw e.fail("hosts", "is required (a non-empty array of hostnames)") }
        func enumField<E: RawRepresentable & CaseIterable>(_ field: String, _ type: E.Type, default value: E? = nil) throws -> E where E.RawValue == String {
            guard let raw = try e.string(field, optional: value != nil) else { return value! }
            guard let v = E(rawValue: raw) else { throw e.fail(field, "'\(raw)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))") }
            return v
        }
        let days = try e.int("validity_days", default: 90)
        guard allowedValidityDays.contains(days) else { throw e.fail("validity_days", "must be one of 14, 30, 90, 365") }
        let order = OrderRequest(
            hosts: hosts, validationMethod: try enumField("validation_method", ValidationMethod.self, default: .txt),
            validityDays: days, certificateAuthority: try enumField("certificate_authority", CertificateAuthority.self, default: .letsEncrypt),
            cloudflareBranding: try e.bool("cloudflare_branding", default: false))
        return FixturePack(id: id, zoneID: zoneID, order: order, status: try enumField("status", PackStatus.self, default: .active))
    }
}
