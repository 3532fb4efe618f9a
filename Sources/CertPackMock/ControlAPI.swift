import CertificatePacks
import HTTPServer
import StrictJSON

/// The test controls under `/__mock/` (not Cloudflare's API): health, reset,
/// clock, lifecycle, per-pack steps and statuses, journal, fault rules, zones,
/// credentials, rate limits and a state dump. Answers use Cloudflare's envelope;
/// failures carry mock code 1499.
struct ControlAPI: Sendable {
    let state: MockState

    func respond(to request: HTTPRequest, segments: [Substring]) -> HTTPResponse {
        do {
            return try route(request, segments.map(String.init))
        } catch let error as APIError {
            return Envelope.failure(error)
        } catch {
            return Envelope.failure(Self.invalid("\(error)"))
        }
    }

    static func invalid(_ message: String, status: Int = 400) -> APIError {
        APIError(status: status, code: 1499, message: message)
    }

    private func route(_ request: HTTPRequest, _ segments: [String]) throws -> HTTPResponse {
        // The one variable segment (a pack, rule or zone id) is taken out so the table below is literal.
        var path = segments
        var id = ""
        if path.count >= 2, ["packs", "faults", "zones"].contains(path[0]), path[1] != "step" {
            id = path[1]
            path[1] = ":id"
        }
        let body = try ControlBody(request)
        let query = QueryParameters(request.query)
        switch (request.method, path) {
        case ("GET", ["health"]), ("HEAD", ["health"]):
            return Envelope.success { w in w.objectStart(); w.key("status"); w.string("ok"); w.objectEnd() }

        case ("POST", ["reset"]):
            let names = (query["scope"] ?? body.string("scope") ?? "all").split(separator: ",").map(String.init)
            var parts = Set<MockState.Part>()
            for name in names {
                if name == "all" { parts.formUnion(MockState.Part.allCases); continue }
                guard let part = MockState.Part(rawValue: name) else {
                    throw Self.invalid("scope: '\(name)' is not one of all, \(MockState.Part.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parts.insert(part)
            }
            state.reset(parts)
            return Envelope.success { w in
                w.objectStart(); w.key("reset"); w.arrayStart()
                for part in MockState.Part.allCases where parts.contains(part) { w.string(part.rawValue) }
                w.arrayEnd(); w.objectEnd()
            }

        case ("GET", ["clock"]):
            return clockAnswer()
        case ("POST", ["clock", "advance"]):
            guard let seconds = query["seconds"].flatMap(Double.init) ?? body.double("seconds"), seconds >= 0, seconds.isFinite else {
                throw Self.invalid("seconds: give a number of seconds >= 0, e.g. {\"seconds\": 30}")
            }
            state.clock.advance(by: seconds)
            return clockAnswer()
        case ("POST", ["clock"]), ("PUT", ["clock"]):
            guard let raw = body.string("mode") ?? query["mode"], let mode = VirtualClock.Mode(rawValue: raw) else {
                throw Self.invalid("mode: give \"system\" or \"manual\"")
            }
            state.clock.setMode(mode)
            return clockAnswer()

        case ("GET", ["lifecycle"]):
            return lifecycleAnswer()
        case ("POST", ["lifecycle"]), ("PUT", ["lifecycle"]):
            guard let raw = body.string("mode") ?? query["mode"], let mode = LifecycleMode(rawValue: raw) else {
                throw Self.invalid("mode: give one of \(LifecycleMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state.service.setLifecycleMode(mode)
            return lifecycleAnswer()

        case ("POST", ["packs", "step"]):
            return packsAnswer(state.service.step(nil, count: body.int("count") ?? 1))
        case ("POST", ["packs", ":id", "step"]):
            let moved = state.service.step(id, count: body.int("count") ?? 1)
            guard let pack = moved.first else { throw APIError.packNotFound }
            return Envelope.success { pack.write(into: &$0) }
        case ("POST", ["packs", ":id", "status"]), ("PUT", ["packs", ":id", "status"]):
            var status: PackStatus?
            if let raw = body.string("status") ?? query["status"] {
                guard let s = PackStatus(rawValue: raw) else {
                    throw Self.invalid("status: '\(raw)' is not a pack status (see README); null releases the pack")
                }
                status = s
            } else if !body.isNull("status") {
                throw Self.invalid("status: give a pack status, or null to release the pack to its lifecycle")
            }
            guard let pack = state.service.force(id, status: status) else { throw APIError.packNotFound }
            return Envelope.success { pack.write(into: &$0) }

        case ("GET", ["requests"]):
            let entries = state.journal.entries(matching: try journalFilter(query), limit: query["limit"].flatMap(Int.init))
            return Envelope.success { w in
                w.arrayStart()
                for e in entries { Self.write(e, into: &w) }
                w.arrayEnd()
            }
        case ("GET", ["requests", "count"]):
            let count = state.journal.count(matching: try journalFilter(query))
            return Envelope.success { w in w.objectStart(); w.key("count"); w.int(count); w.objectEnd() }
        case ("DELETE", ["requests"]):
            state.journal.clear()
            return Envelope.success { $0.null() }

        case ("GET", ["faults"]):
            return Envelope.success { w in
                w.arrayStart()
                for rule in state.faults.all { Self.write(rule, into: &w) }
                w.arrayEnd()
            }
        case ("POST", ["faults"]):
            let rule = state.faults.add(try faultRule(body))
            return Envelope.success { Self.write(rule, into: &$0) }
        case ("DELETE", ["faults"]):
            state.faults.removeAll()
            return Envelope.success { $0.null() }
        case ("DELETE", ["faults", ":id"]):
            guard let n = Int(id), state.faults.remove(id: n) else { throw Self.invalid("no fault rule with id \(id)", status: 404) }
            return Envelope.success { $0.null() }

        case ("GET", ["zones"]):
            return Envelope.success { w in
                w.arrayStart()
                for zone in state.service.allZones { Self.write(zone, quota: state.service.quota(zoneID: zone.id), into: &w) }
                w.arrayEnd()
            }
        case ("POST", ["zones"]):
            let zone = try newZone(body)
            state.service.addZone(zone)
            return Envelope.success { Self.write(zone, quota: state.service.quota(zoneID: zone.id), into: &$0) }
        case ("DELETE", ["zones", ":id"]):
            guard state.service.zone(id) != nil else { throw Self.invalid("no zone with id \(id)", status: 404) }
            state.service.removeZone(id)
            return Envelope.success { $0.null() }

        case ("GET", ["credentials"]):
            return Envelope.success { w in
                w.arrayStart()
                for c in state.credentials.all { Self.write(c, into: &w) }
                w.arrayEnd()
            }
        case ("POST", ["credentials"]):
            let credential = try newCredential(body)
            state.credentials.add(credential)
            return Envelope.success { Self.write(credential, into: &$0) }

        case ("GET", ["rate-limit"]):
            return rateLimitAnswer()
        case ("POST", ["rate-limit"]), ("PUT", ["rate-limit"]):
            var settings = state.rateLimiter.settings
            if let enabled = body.bool("enabled") { settings.enabled = enabled }
            if let limit = body.int("limit") { settings.limit = max(1, limit) }
            if let window = body.double("window_seconds") { settings.windowSeconds = max(1, window) }
            state.rateLimiter.settings = settings
            return rateLimitAnswer()

        case ("GET", ["state"]):
            return stateAnswer()

        case ("GET", ["tls", "ca.pem"]), ("HEAD", ["tls", "ca.pem"]):
            return try TLSCertificateAnswer.certificateAuthority(state.configuration.server.tls)

        default:
            throw Self.invalid("No control route for \(request.method) \(request.path); see the README's control API table", status: 404)
        }
    }

    // MARK: Requests into values

    private func journalFilter(_ query: QueryParameters) throws -> RequestJournal.Filter {
        var filter = RequestJournal.Filter(method: query["method"], path: query["path"])
        if let s = query["status"] {
            guard let n = Int(s) else { throw Self.invalid("status: must be a number") }
            filter.status = n
        }
        if let c = query["code"] {
            guard let n = Int(c) else { throw Self.invalid("code: must be a number") }
            filter.errorCode = n
        }
        return filter
    }

    private func faultRule(_ body: ControlBody) throws -> FaultRules.Rule {
        let action: FaultRules.Rule.Action
        switch body.string("action") ?? (body.int("status") != nil ? "fail" : nil) {
        case "fail"?:
            guard let status = body.int("status"), (400...599).contains(status) else {
                throw Self.invalid("status: a fail rule needs an HTTP status from 400 to 599")
            }
            action = .fail(status: status, code: body.int("code") ?? (status == 429 ? 971 : 10001),
                           message: body.string("message") ?? (status == 429 ? "Please wait and consider throttling your request speed" : "Injected failure"))
        case "reset"?: action = .reset
        case "delay"?: action = .delay
        case let other:
            throw Self.invalid("action: give \"fail\" (with status, code, message), \"reset\" or \"delay\" (with delay_ms); got \(other ?? "nothing")")
        }
        let delay = body.int("delay_ms") ?? 0
        if action == .delay && delay <= 0 { throw Self.invalid("delay_ms: a delay rule needs delay_ms > 0") }
        guard (0...600_000).contains(delay) else { throw Self.invalid("delay_ms: must be from 0 to 600000") }
        let times = body.int("times")
        if let times, times < 1 { throw Self.invalid("times: must be at least 1 (leave it out for always)") }
        var headers: [(name: String, value: String)] = []
        if case .object(let h)? = body.value("headers") {
            for (name, value) in h.members {
                guard case .string(let v) = value, HeaderSafety.isToken(name), HeaderSafety.isValue(v) else {
                    throw Self.invalid("headers: each must be a valid header name with a string value")
                }
                headers.append((name, v))
            }
        }
        return FaultRules.Rule(method: body.string("method"), path: body.string("path") ?? "*", action: action,
                               delayMilliseconds: delay, times: times, headers: headers)
    }

    private func newZone(_ body: ControlBody) throws -> Zone {
        guard let name = body.string("name").map(Hostname.lowercased), Hostname.isValid(name), !name.hasPrefix("*") else {
            throw Self.invalid("name: give the zone's apex hostname, e.g. {\"name\": \"my-test.example\"}")
        }
        let id = body.string("id") ?? Hex.derived("zone", name)
        guard Identifier.isHex32(id) else { throw Self.invalid("id: must be 32 lowercase hex characters (or leave it out)") }
        let quota = body.int("quota") ?? 100
        guard quota >= 0 else { throw Self.invalid("quota: must not be negative") }
        return Zone(id: id, name: name, advancedCertificateManager: body.bool("advanced_certificate_manager") ?? true,
                    enterprise: body.bool("enterprise") ?? false, quotaAllocated: quota)
    }

    private func newCredential(_ body: ControlBody) throws -> Credential {
        let secret: Credential.Secret
        if let token = body.string("token"), !token.isEmpty, !token.contains(" ") {
            secret = .apiToken(token)
        } else if let email = body.string("email"), let key = body.string("key"), !key.isEmpty {
            secret = .globalKey(email: email, key: key)
        } else {
            throw Self.invalid("give \"token\", or \"email\" and \"key\"")
        }
        var permissions = Set(Permission.allCases)
        if case .array(let items)? = body.value("permissions") {
            permissions = try Set(items.map {
                guard case .string(let s) = $0, let p = Permission(rawValue: s) else { throw Self.invalid("permissions: each must be #ssl:read or #ssl:edit") }
                return p
            })
        }
        var zones: Set<String>?
        if case .array(let items)? = body.value("zones") {
            let ids = try items.map { item -> String in
                guard case .string(let s) = item else { throw Self.invalid("zones: must be an array of zone ids") }
                return s
            }
            if !ids.contains("*") {
                for id in ids where state.service.zone(id) == nil { throw Self.invalid("zones: '\(id)' is not a known zone") }
                zones = Set(ids)
            }
        }
        return Credential(secret: secret, permissions: permissions, zones: zones, name: body.string("name") ?? "runtime-credential")
    }

    // MARK: Answers

    private func clockAnswer() -> HTTPResponse {
        let now = state.clock.now()
        return Envelope.success { w in
            w.objectStart()
            w.key("now"); w.string(Timestamp.rfc3339(now))
            w.key("epoch_seconds"); w.double(now)
            w.key("mode"); w.string(state.clock.mode.rawValue)
            w.objectEnd()
        }
    }

    private func lifecycleAnswer() -> HTTPResponse {
        let d = state.service.lifecycleDurations
        return Envelope.success { w in
            w.objectStart()
            w.key("mode"); w.string(state.service.lifecycleMode.rawValue)
            w.key("durations"); w.objectStart()
            w.key("initializing"); w.double(d.initializing)
            w.key("pending_validation"); w.double(d.validation)
            w.key("pending_issuance"); w.double(d.issuance)
            w.key("pending_deployment"); w.double(d.deployment)
            w.objectEnd()
            w.objectEnd()
        }
    }

    private func rateLimitAnswer() -> HTTPResponse {
        let s = state.rateLimiter.settings
        return Envelope.success { w in
            w.objectStart()
            w.key("enabled"); w.bool(s.enabled)
            w.key("limit"); w.int(s.limit)
            w.key("window_seconds"); w.double(s.windowSeconds)
            w.objectEnd()
        }
    }

    private func packsAnswer(_ packs: [PackSnapshot]) -> HTTPResponse {
        Envelope.success { w in
            w.arrayStart()
            for p in packs { p.write(into: &w) }
            w.arrayEnd()
        }
    }

    private func stateAnswer() -> HTTPResponse {
        let packs = state.service.snapshotAll()
        return Envelope.success { w in
            w.objectStart()
            w.key("clock"); w.objectStart()
            w.key("now"); w.string(Timestamp.rfc3339(state.clock.now()))
            w.key("mode"); w.string(state.clock.mode.rawValue)
            w.objectEnd()
            w.key("lifecycle_mode"); w.string(state.service.lifecycleMode.rawValue)
            w.key("zones"); w.arrayStart()
            for zone in state.service.allZones { Self.write(zone, quota: state.service.quota(zoneID: zone.id), into: &w) }
            w.arrayEnd()
            w.key("packs"); w.arrayStart()
            for p in packs {
                w.objectStart()
                w.key("zone_id"); w.string(p.pack.zoneID)
                w.key("scenario"); w.string(p.pack.scenario.rawValue)
                w.key("attempt"); w.int(p.pack.timeline.attempt)
                w.key("forced_status"); if let f = p.pack.timeline.forcedStatus { w.string(f.rawValue) } else { w.null() }
                w.key("pack"); p.write(into: &w)
                w.objectEnd()
            }
            w.arrayEnd()
            w.key("faults"); w.arrayStart()
            for rule in state.faults.all { Self.write(rule, into: &w) }
            w.arrayEnd()
            w.key("journal_entries"); w.int(state.journal.count())
            w.objectEnd()
        }
    }

    static func write(_ e: RequestJournal.Entry, into w: inout JSONWriter) {
        w.objectStart()
        w.key("sequence"); w.int(e.sequence)
        w.key("time"); w.string(Timestamp.rfc3339(e.time))
        w.key("method"); w.string(e.method)
        w.key("path"); w.string(e.path)
        w.key("query"); if let q = e.query { w.string(q) } else { w.null() }
        w.key("status"); w.int(e.status)
        w.key("error_codes"); w.arrayStart(); for c in e.errorCodes { w.int(c) }; w.arrayEnd()
        w.key("duration_ms"); w.double((e.durationMilliseconds * 1000).rounded() / 1000)
        w.key("credential"); w.string(e.credential)
        w.key("body"); w.string(e.body)
        w.key("protocol"); w.string(e.protocolName)
        w.key("tls"); if let tls = e.tls { w.objectStart(); w.key("version"); w.string(tls.version); w.key("alpn"); if let a = tls.alpn { w.string(a) } else { w.null() }; w.objectEnd() } else { w.null() }
        w.objectEnd()
    }

    static func write(_ rule: FaultRules.Rule, into w: inout JSONWriter) {
        w.objectStart()
        w.key("id"); w.int(rule.id)
        w.key("method"); if let m = rule.method { w.string(m) } else { w.null() }
        w.key("path"); w.string(rule.path)
        switch rule.action {
        case .fail(let status, let code, let message):
            w.key("action"); w.string("fail")
            w.key("status"); w.int(status)
            w.key("code"); w.int(code)
            w.key("message"); w.string(message)
        case .reset: w.key("action"); w.string("reset")
        case .delay: w.key("action"); w.string("delay")
        }
        w.key("delay_ms"); w.int(rule.delayMilliseconds)
        w.key("remaining"); if let r = rule.remaining { w.int(r) } else { w.null() }
        w.key("matched"); w.int(rule.matched)
        w.objectEnd()
    }

    static func write(_ zone: Zone, quota: (allocated: Int, used: Int), into w: inout JSONWriter) {
        w.objectStart()
        w.key("id"); w.string(zone.id)
        w.key("name"); w.string(zone.name)
        w.key("advanced_certificate_manager"); w.bool(zone.advancedCertificateManager)
        w.key("enterprise"); w.bool(zone.enterprise)
        w.key("quota"); w.objectStart()
        w.key("allocated"); w.int(quota.allocated)
        w.key("used"); w.int(quota.used)
        w.objectEnd()
        w.objectEnd()
    }

    /// Secrets are shown masked.
    static func write(_ c: Credential, into w: inout JSONWriter) {
        w.objectStart()
        w.key("name"); w.string(c.name)
        switch c.secret {
        case .apiToken: w.key("kind"); w.string("api_token")
        case .globalKey(let email, _): w.key("kind"); w.string("global_key"); w.key("email"); w.string(email)
        }
        w.key("secret"); w.string(c.maskedSecret)
        w.key("permissions"); w.arrayStart()
        for p in Permission.allCases where c.permissions.contains(p) { w.string(p.rawValue) }
        w.arrayEnd()
        w.key("zones"); w.arrayStart()
        for z in (c.zones.map { $0.sorted() } ?? ["*"]) { w.string(z) }
        w.arrayEnd()
        w.objectEnd()
    }
}

/// A control call's JSON body (empty is fine; anything but an object is refused).
struct ControlBody {
    private let object: JSONObject?

    init(_ request: HTTPRequest) throws {
        guard !request.body.isEmpty else { object = nil; return }
        guard let value = try? JSONReader.parse(request.body) else { throw APIError.malformedJSON }
        guard case .object(let o) = value else { throw ControlAPI.invalid("the body must be a JSON object") }
        object = o
    }

    func value(_ key: String) -> JSONValue? { object?[key] }
    func string(_ key: String) -> String? { if case .string(let s)? = value(key) { return s }; return nil }
    func bool(_ key: String) -> Bool? { if case .bool(let b)? = value(key) { return b }; return nil }
    func int(_ key: String) -> Int? { if case .number(let n)? = value(key) { return n.exactInteger }; return nil }
    func double(_ key: String) -> Double? { if case .number(let n)? = value(key) { return n.doubleValue }; return nil }
    func isNull(_ key: String) -> Bool { value(key) == .null }
}

/// RFC 9110 §5.1/§5.5 checks for headers a test asks the mock to send.
enum HeaderSafety {
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    static func isValue(_ s: String) -> Bool { s.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) } }
}
