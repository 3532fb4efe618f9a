import ASCIIBytes
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
            return error.response
        } catch {
            return Self.invalid("\(error)").response
        }
    }

    static func invalid(_ message: String, status: Int = 400) -> APIError {
        APIError(status: status, code: 1499, message: message)
    }

    private func route(_ request: HTTPRequest, _ segments: [String]) throws -> HTTPResponse {
        if let page = Dashboard(state: state).respond(to: request, segments: segments) { return page }
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

        case ("POST", ["packs"]):
            let snapshot: PackSnapshot
            do {
                snapshot = try state.service.create(try packDraft(body))
            } catch CertificatePackService.Failure.unknownZone {
                throw Self.invalid("zone_id: no zone with id \(body.string("zone_id") ?? "")", status: 404)
            } catch CertificatePackService.Failure.packExists {
                throw Self.invalid("id: a pack with id \(body.string("id") ?? "") exists; delete it first, or move it with /status or /step", status: 409)
            } catch CertificatePackService.Failure.invalidPackID {
                throw Self.invalid("id: must be 32 lowercase hex characters or a lowercase UUID (or leave it out)")
            }
            return Envelope.success { snapshot.write(into: &$0) }
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
            let entries = state.journal.entries(matching: try Self.journalFilter(query), limit: try Self.journalLimit(query))
            return Envelope.success { w in
                w.arrayStart()
                for e in entries { e.write(into: &w) }
                w.arrayEnd()
            }
        case ("GET", ["requests", "count"]):
            let count = state.journal.count(matching: try Self.journalFilter(query))
            return Envelope.success { w in w.objectStart(); w.key("count"); w.int(count); w.objectEnd() }
        case ("DELETE", ["requests"]):
            state.journal.clear()
            return Envelope.success { $0.null() }

        case ("GET", ["faults"]):
            return Envelope.success { w in
                w.arrayStart()
                for rule in state.faults.all { rule.write(into: &w) }
                w.arrayEnd()
            }
        case ("POST", ["faults"]):
            let rule = state.faults.add(try faultRule(body))
            return Envelope.success { rule.write(into: &$0) }
        case ("DELETE", ["faults"]):
            state.faults.removeAll()
            return Envelope.success { $0.null() }
        case ("DELETE", ["faults", ":id"]):
            guard let n = Int(id), state.faults.remove(id: n) else { throw Self.invalid("no fault rule with id \(id)", status: 404) }
            return Envelope.success { $0.null() }

        case ("GET", ["zones"]):
            return Envelope.success { w in
                w.arrayStart()
                for zone in state.service.allZones { zone.write(quota: state.service.quota(zoneID: zone.id), into: &w) }
                w.arrayEnd()
            }
        case ("POST", ["zones"]):
            let zone = try newZone(body)
            state.service.addZone(zone)
            return Envelope.success { zone.write(quota: state.service.quota(zoneID: zone.id), into: &$0) }
        case ("DELETE", ["zones", ":id"]):
            guard state.service.zone(id) != nil else { throw Self.invalid("no zone with id \(id)", status: 404) }
            state.service.removeZone(id)
            return Envelope.success { $0.null() }

        case ("GET", ["credentials"]):
            return Envelope.success { w in
                w.arrayStart()
                for c in state.credentials.all { c.write(into: &w) }
                w.arrayEnd()
            }
        case ("POST", ["credentials"]):
            let credential = try newCredential(body)
            state.credentials.add(credential)
            return Envelope.success { credential.write(into: &$0) }

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

    static func journalFilter(_ query: QueryParameters) throws -> RequestJournal.Filter {
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

    /// `limit`: the newest this many entries (absent: all of them).
    static func journalLimit(_ query: QueryParameters) throws -> Int? {
        guard let raw = query["limit"] else { return nil }
        guard let n = Int(raw), n >= 0 else { throw Self.invalid("limit: must be a whole number, 0 or more") }
        return n
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

    /// A pack to create directly: only syntax is checked, no order rule or quota.
    private func packDraft(_ body: ControlBody) throws -> PackDraft {
        guard let zoneID = body.string("zone_id") else { throw Self.invalid("zone_id: give the id of a known zone") }
        if body.value("id") != nil && body.string("id") == nil { throw Self.invalid("id: must be a string (or leave it out)") }
        guard case .array(let items)? = body.value("hosts"), !items.isEmpty else {
            throw Self.invalid("hosts: give a non-empty array of hostnames")
        }
        let hosts = try items.map { item -> String in
            guard case .string(let raw) = item, let host = Hostname.normalized(raw) else {
                throw Self.invalid("hosts: each must be a hostname such as www.example.com or *.example.com")
            }
            return host
        }
        func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ fallback: E) throws -> E where E.RawValue == String {
            guard let value = body.value(key), value != .null else { return fallback }
            guard case .string(let raw) = value, let e = E(rawValue: raw) else {
                throw Self.invalid("\(key): must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return e
        }
        let days = body.value("validity_days") == nil ? 90 : body.int("validity_days")
        guard let days, allowedValidityDays.contains(days) else { throw Self.invalid("validity_days: must be one of 14, 30, 90, 365") }
        if body.value("cloudflare_branding") != nil && body.bool("cloudflare_branding") == nil { throw Self.invalid("cloudflare_branding: must be true or false") }
        if body.value("pinned") != nil && body.bool("pinned") == nil { throw Self.invalid("pinned: must be true or false") }
        let seconds = body.value("seconds_in_status") == nil ? 0 : body.double("seconds_in_status")
        guard let seconds, seconds >= 0, seconds.isFinite else { throw Self.invalid("seconds_in_status: must be a number of seconds >= 0") }
        let order = OrderRequest(hosts: hosts, validationMethod: try choice("validation_method", ValidationMethod.txt),
                                 validityDays: days, certificateAuthority: try choice("certificate_authority", CertificateAuthority.letsEncrypt),
                                 cloudflareBranding: body.bool("cloudflare_branding") ?? false)
        return PackDraft(id: body.string("id"), zoneID: zoneID, order: order, status: try choice("status", PackStatus.initializing),
                         pinned: body.bool("pinned") ?? false, secondsInStatus: seconds)
    }

    private func newZone(_ body: ControlBody) throws -> Zone {
        guard let name = body.string("name").flatMap(Hostname.normalized), !name.hasPrefix("*") else {
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

    // MARK: Answers (the encoders are in the Type+JSON files)

    private func clockAnswer() -> HTTPResponse { Envelope.success { state.clock.write(into: &$0) } }

    private func lifecycleAnswer() -> HTTPResponse {
        let (mode, durations) = (state.service.lifecycleMode, state.service.lifecycleDurations)
        return Envelope.success { durations.write(mode: mode, into: &$0) }
    }

    private func rateLimitAnswer() -> HTTPResponse {
        let settings = state.rateLimiter.settings
        return Envelope.success { settings.write(into: &$0) }
    }

    private func packsAnswer(_ packs: [PackSnapshot]) -> HTTPResponse {
        Envelope.success { w in
            w.arrayStart()
            for p in packs { p.write(into: &w) }
            w.arrayEnd()
        }
    }

    private func stateAnswer() -> HTTPResponse { Envelope.success { state.writeDump(into: &$0) } }
}
