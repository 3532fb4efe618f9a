import CertificatePacks
import StrictJSON

/// What `--state-file` keeps across restarts: zones and credentials added at run time,
/// packs with their timelines and pins, fault rules, the clock and the lifecycle mode, and
/// where the id sequence stands. JSON, one object, with a format name and version.
///
/// Packs are written field by field with names, and read with a default for every field
/// that is not the pack's identity, so a field added to the model needs one line in
/// `write(_ pack:)` and one in `pack(_:)`, and files written before it still load.
struct StateFile: Sendable {
    static let format = "certpack-mock-state"
    static let version = 1

    var clock: VirtualClock.Setting
    var lifecycleMode: LifecycleMode
    var idPosition: UInt64
    /// Bumped at each load, so a restored id sequence never replays ids issued after the last save.
    var restarts: Int
    var zones: [Zone]
    var credentials: [Credential]
    var faults: [FaultRules.Rule]
    var nextFaultID: Int
    var packs: [CertificatePack]

    // MARK: Writing

    func encoded() -> [UInt8] {
        var w = JSONWriter(reserving: 4096 + packs.count * 280)
        w.objectStart()
        w.key("format"); w.string(Self.format)
        w.key("version"); w.int(Self.version)
        w.key("restarts"); w.int(restarts)
        w.key("id_position"); w.string(String(idPosition, radix: 16))
        w.key("clock"); w.objectStart()
        w.key("mode"); w.string(clock.mode.rawValue)
        w.key("offset_seconds"); w.double(clock.offset)
        w.key("manual_now"); w.double(clock.manualNow)
        w.objectEnd()
        w.key("lifecycle_mode"); w.string(lifecycleMode.rawValue)
        w.key("zones"); w.arrayStart()
        for zone in zones {
            w.objectStart()
            w.key("id"); w.string(zone.id)
            w.key("name"); w.string(zone.name)
            w.key("advanced_certificate_manager"); w.bool(zone.advancedCertificateManager)
            w.key("enterprise"); w.bool(zone.enterprise)
            w.key("quota"); w.int(zone.quotaAllocated)
            w.objectEnd()
        }
        w.arrayEnd()
        w.key("credentials"); w.arrayStart()
        for c in credentials {
            w.objectStart()
            w.key("name"); w.string(c.name)
            switch c.secret {
            case .apiToken(let token): w.key("token"); w.string(token)
            case .globalKey(let email, let key): w.key("email"); w.string(email); w.key("key"); w.string(key)
            }
            w.key("permissions"); w.arrayStart()
            for p in Permission.allCases where c.permissions.contains(p) { w.string(p.rawValue) }
            w.arrayEnd()
            w.key("zones")
            if let zones = c.zones { w.arrayStart(); for z in zones.sorted() { w.string(z) }; w.arrayEnd() } else { w.null() }
            w.objectEnd()
        }
        w.arrayEnd()
        w.key("next_fault_id"); w.int(nextFaultID)
        w.key("faults"); w.arrayStart()
        for rule in faults { rule.write(into: &w) }
        w.arrayEnd()
        // `ControlAPI.write` leaves a rule's extra headers out; they go here, keyed by rule id.
        w.key("fault_headers"); w.objectStart()
        for rule in faults where !rule.headers.isEmpty {
            w.key(String(rule.id)); w.arrayStart()
            for h in rule.headers { w.arrayStart(); w.string(h.name); w.string(h.value); w.arrayEnd() }
            w.arrayEnd()
        }
        w.objectEnd()
        w.key("packs"); w.arrayStart()
        for pack in packs { Self.write(pack, into: &w) }
        w.arrayEnd()
        w.objectEnd()
        return w.bytes
    }

    static func write(_ pack: CertificatePack, into w: inout JSONWriter) {
        w.objectStart()
        w.key("id"); w.string(pack.id)
        w.key("zone_id"); w.string(pack.zoneID)
        w.key("hosts"); pack.hostList.write(into: &w)
        w.key("validation_method"); w.string(pack.validationMethod.rawValue)
        w.key("validity_days"); w.int(pack.validityDays)
        w.key("certificate_authority"); w.string(pack.certificateAuthority.rawValue)
        w.key("cloudflare_branding"); w.bool(pack.cloudflareBranding)
        w.key("scenario"); w.string(pack.scenario.rawValue)
        w.key("started_at"); w.double(pack.timeline.startedAt)
        w.key("attempt"); w.int(pack.timeline.attempt)
        w.key("steps"); w.int(pack.timeline.steps)
        w.key("forced_status"); if let f = pack.timeline.forcedStatus { w.string(f.rawValue) } else { w.null() }
        w.objectEnd()
    }

    // MARK: Reading

    /// Parses a state file; every problem names the entry and field.
    static func decode(_ bytes: [UInt8]) throws -> StateFile {
        let root: JSONValue
        do { root = try JSONReader.parse(bytes) } catch {
            throw StateFileProblem("not valid JSON (\(error.reason) at byte \(error.offset)); it may have been edited or written by something else")
        }
        let top = try Fields(root, at: "the file")
        guard try top.string("format") == format else {
            throw StateFileProblem("'format' is not \"\(format)\": this is not a certpack-mock state file")
        }
        let version = try top.int("version")
        guard version <= Self.version else {
            throw StateFileProblem("format version \(version) is newer than this certpack-mock reads (version \(Self.version)); run the certpack-mock that wrote it, or a newer one")
        }
        guard version >= 1 else { throw StateFileProblem("'version' \(version) is not a version this program wrote") }

        let clockFields = try Fields(top.value("clock"), at: "clock")
        let clock = VirtualClock.Setting(
            mode: try clockFields.choice("mode", VirtualClock.Mode.self),
            offset: try clockFields.double("offset_seconds"), manualNow: try clockFields.double("manual_now"))
        guard let position = UInt64(try top.string("id_position"), radix: 16) else {
            throw StateFileProblem("'id_position' must be a hexadecimal number")
        }
        let zones = try top.array("zones").enumerated().map { i, value throws in
            let z = try Fields(value, at: "zones[\(i)]")
            return Zone(id: try z.string("id"), name: try z.string("name"),
                        advancedCertificateManager: try z.bool("advanced_certificate_manager", default: true),
                        enterprise: try z.bool("enterprise", default: false), quotaAllocated: try z.int("quota", default: 100))
        }
        let credentials = try top.array("credentials").enumerated().map { i, value throws in
            let c = try Fields(value, at: "credentials[\(i)]")
            let secret: Credential.Secret
            if let token = try c.optionalString("token") { secret = .apiToken(token) } else {
                secret = .globalKey(email: try c.string("email"), key: try c.string("key"))
            }
            var permissions = Set<Permission>()
            for (j, p) in try c.array("permissions").enumerated() {
                guard case .string(let s) = p, let permission = Permission(rawValue: s) else {
                    throw StateFileProblem("credentials[\(i)].permissions[\(j)]: not one of #ssl:read, #ssl:edit")
                }
                permissions.insert(permission)
            }
            var scope: Set<String>?
            if case .array(let ids)? = c.value("zones") {
                scope = Set(ids.compactMap { if case .string(let s) = $0 { return s }; return nil })
            }
            return Credential(secret: secret, permissions: permissions, zones: scope, name: try c.string("name"))
        }
        var headers: [Int: [(name: String, value: String)]] = [:]
        if case .object(let byID)? = top.value("fault_headers") {
            for (key, value) in byID.members {
                guard let id = Int(key), case .array(let pairs) = value else { continue }
                headers[id] = pairs.compactMap {
                    if case .array(let p) = $0, p.count == 2, case .string(let n) = p[0], case .string(let v) = p[1] { return (n, v) }
                    return nil
                }
            }
        }
        let faults = try top.array("faults").enumerated().map { i, value throws in
            let f = try Fields(value, at: "faults[\(i)]")
            let action: FaultRules.Rule.Action
            switch try f.string("action") {
            case "fail": action = .fail(status: try f.int("status"), code: try f.int("code"), message: try f.string("message"))
            case "reset": action = .reset
            case "delay": action = .delay
            case let other: throw StateFileProblem("faults[\(i)].action: '\(other)' is not fail, reset or delay")
            }
            let id = try f.int("id")
            var rule = FaultRules.Rule(id: id, method: try f.optionalString("method"), path: try f.string("path"), action: action,
                                       delayMilliseconds: try f.int("delay_ms", default: 0), times: try f.optionalInt("remaining"),
                                       headers: headers[id] ?? [])
            rule.matched = try f.int("matched", default: 0)
            return rule
        }
        let packs = try top.array("packs").enumerated().map { i, value throws in try pack(value, at: "packs[\(i)]") }
        return StateFile(clock: clock, lifecycleMode: try top.choice("lifecycle_mode", LifecycleMode.self), idPosition: position,
                         restarts: try top.int("restarts", default: 0), zones: zones, credentials: credentials,
                         faults: faults, nextFaultID: try top.int("next_fault_id", default: 1), packs: packs)
    }

    static func pack(_ value: JSONValue, at place: String) throws -> CertificatePack {
        let p = try Fields(value, at: place)
        let id = try p.string("id")
        guard PackID(id) != nil else { throw StateFileProblem("\(place).id: '\(id)' is not a pack id (32 hex digits or a UUID)") }
        var hosts: [String] = []
        for (j, h) in try p.array("hosts").enumerated() {
            guard case .string(let s) = h else { throw StateFileProblem("\(place).hosts[\(j)]: must be a string") }
            hosts.append(s)
        }
        guard !hosts.isEmpty else { throw StateFileProblem("\(place).hosts: must not be empty") }
        let order = OrderRequest(
            hosts: hosts, validationMethod: try p.choice("validation_method", ValidationMethod.self),
            validityDays: try p.int("validity_days"), certificateAuthority: try p.choice("certificate_authority", CertificateAuthority.self),
            cloudflareBranding: try p.bool("cloudflare_branding", default: false))
        var forced: PackStatus?
        if !p.isAbsent("forced_status") && p.value("forced_status") != .null { forced = try p.choice("forced_status", PackStatus.self) }
        let timeline = PackTimeline(startedAt: try p.double("started_at"), attempt: try p.int("attempt", default: 0),
                                    steps: try p.int("steps", default: 0), forcedStatus: forced)
        return CertificatePack(id: id, zoneID: try p.string("zone_id"), order: order,
                               scenario: try p.choice("scenario", FailureScenario.self, default: FailureScenario.none), timeline: timeline)
    }
}

/// Why a state file cannot be loaded (the caller adds the path and how to start fresh).
struct StateFileProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Typed reads of one JSON object's members, failing with the member's place in the file.
private struct Fields {
    let object: JSONObject
    let place: String

    init(_ value: JSONValue?, at place: String) throws {
        guard case .object(let o)? = value else { throw StateFileProblem("\(place): must be a JSON object") }
        object = o
        self.place = place
    }

    func value(_ key: String) -> JSONValue? { object[key] }

    /// Left out of the file (as a file from before the field was added leaves it).
    func isAbsent(_ key: String) -> Bool { !object.contains(key: key) }

    private func fail(_ key: String, _ what: String) -> StateFileProblem {
        StateFileProblem("\(place == "the file" ? "" : place + ".")\(key): \(what)")
    }

    func string(_ key: String) throws -> String {
        guard case .string(let s)? = object[key] else { throw fail(key, "must be a string") }
        return s
    }

    func optionalString(_ key: String) throws -> String? {
        if isAbsent(key) || object[key] == .null { return nil }
        guard case .string(let s)? = object[key] else { throw fail(key, "must be a string or null") }
        return s
    }

    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        if isAbsent(key), let fallback { return fallback }
        guard case .number(let n)? = object[key], let v = n.exactInteger else { throw fail(key, "must be a whole number") }
        return v
    }

    func optionalInt(_ key: String) throws -> Int? {
        if isAbsent(key) || object[key] == .null { return nil }
        guard case .number(let n)? = object[key], let v = n.exactInteger else { throw fail(key, "must be a whole number or null") }
        return v
    }

    func double(_ key: String) throws -> Double {
        guard case .number(let n)? = object[key], n.doubleValue.isFinite else { throw fail(key, "must be a number") }
        return n.doubleValue
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        if isAbsent(key) { return fallback }
        guard case .bool(let b)? = object[key] else { throw fail(key, "must be true or false") }
        return b
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let a)? = object[key] else { throw fail(key, "must be an array") }
        return a
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, default fallback: E? = nil) throws -> E where E.RawValue == String {
        if isAbsent(key), let fallback { return fallback }
        let raw = try string(key)
        guard let v = E(rawValue: raw) else {
            throw fail(key, "'\(raw)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }
}
