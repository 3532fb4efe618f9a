import CertificatePacks
import HTTPServer
import StrictJSON

/// The browser dashboard under `/__mock/`: the page, its script and style (all inside
/// the binary), and the compact read-only JSON it polls. Every change the page makes goes
/// through the existing control API, so the page can do nothing a test cannot.
///
/// The page polls instead of holding a server-sent-events stream open: the server's
/// handler answers one request with one whole response, and a poll of an unchanged state
/// costs one small 304 (the ETag is a hash of the body; the clock travels in a header so
/// a ticking clock alone does not change the body).
struct Dashboard: Sendable {
    let state: MockState
    /// The newest packs of each zone the page draws (all are counted).
    static let packsPerZone = 500

    /// The answer for a dashboard path, or nil when the path is another control route.
    func respond(to request: HTTPRequest, segments: [String]) -> HTTPResponse? {
        guard request.method == "GET" || request.method == "HEAD" else { return nil }
        switch segments {
        case [], ["dashboard"]:
            return Self.asset(DashboardAssets.page, type: "text/html; charset=utf-8", request)
        case ["dashboard", "app.js"]:
            return Self.asset(DashboardAssets.script, type: "text/javascript; charset=utf-8", request)
        case ["dashboard", "app.css"]:
            return Self.asset(DashboardAssets.style, type: "text/css; charset=utf-8", request)
        case ["dashboard", "state"]:
            return conditional(request) { stateBody() }
        case ["dashboard", "requests"]:
            do {
                let filter = try ControlAPI.journalFilter(QueryParameters(request.query))
                let limit = try ControlAPI.journalLimit(QueryParameters(request.query)) ?? 100
                return conditional(request) { requestsBody(filter, limit: min(max(limit, 1), 1000)) }
            } catch let error as APIError {
                return Envelope.failure(error)
            } catch {
                return nil
            }
        case let s where s.count == 3 && s[0] == "dashboard" && s[1] == "requests":
            guard let n = Int(s[2]), let entry = state.journal.entry(sequence: n) else {
                return Envelope.failure(ControlAPI.invalid("no journal entry \(s[2]) (cleared, or trimmed as the journal filled)", status: 404))
            }
            return Envelope.success { entry.write(into: &$0, bodies: .requestAndResponse) }
        case let s where s.count == 3 && s[0] == "dashboard" && s[1] == "packs":
            guard let snapshot = state.service.snapshotAll().first(where: { $0.pack.id == s[2] }) else {
                return Envelope.failure(APIError.packNotFound)
            }
            return Envelope.success { snapshot.write(into: &$0) }
        default:
            return nil
        }
    }

    // MARK: Assets

    /// Scripts and styles only from this origin, no inline code, no framing, no plugins.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    private static func asset(_ bytes: [UInt8], type: String, _ request: HTTPRequest) -> HTTPResponse {
        let tag = etag(bytes)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", type), ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-cache"), ("ETag", tag),
        ]
        if request.headers["If-None-Match"] == tag { return HTTPResponse(status: 304, headers: headers) }
        if request.method == "HEAD" { headers.append(("Content-Length", String(bytes.count))) }
        return HTTPResponse(status: 200, headers: headers, body: request.method == "HEAD" ? [] : bytes)
    }

    /// 200 with the result and its ETag, or 304 when the poller already has it; the clock rides in headers.
    private func conditional(_ request: HTTPRequest, _ result: () -> [UInt8]) -> HTTPResponse {
        let inner = result()
        // In the control API's envelope, like every other control answer.
        let bytes = Envelope.success { $0.raw(inner) }.body
        let tag = Self.etag(bytes)
        let headers: [(name: String, value: String)] = [
            Envelope.jsonContentType, ("ETag", tag), ("Cache-Control", "no-store"),
            ("X-Mock-Now", String(state.clock.now())), ("X-Mock-Clock-Mode", state.clock.mode.rawValue),
        ]
        if request.headers["If-None-Match"] == tag { return HTTPResponse(status: 304, headers: headers) }
        return HTTPResponse(status: 200, headers: headers, body: bytes)
    }

    /// FNV-1a over the bytes: a change detector, not a security measure.
    static func etag(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return "\"" + String(h, radix: 16) + "-" + String(bytes.count, radix: 16) + "\""
    }

    // MARK: Bodies

    private func stateBody() -> [UInt8] {
        let service = state.service
        let persisted = service.persisted()
        let lifecycle = PackLifecycle(mode: persisted.lifecycleMode, durations: service.lifecycleDurations)
        let now = state.clock.now()
        // Every pack is counted by status, but only the newest of each zone are drawn, so an open
        // page stays cheap for the server however many packs a load test leaves behind.
        var counts: [(zone: String, byStatus: [PackStatus: Int])] = []
        var shown: [CertificatePack] = []
        var zonePacks: [CertificatePack] = []
        func closeZone() {
            guard let zone = zonePacks.first?.zoneID else { return }
            var byStatus: [PackStatus: Int] = [:]
            for pack in zonePacks { byStatus[lifecycle.status(of: pack, at: now), default: 0] += 1 }
            counts.append((zone, byStatus))
            shown += zonePacks.suffix(Self.packsPerZone)
            zonePacks.removeAll(keepingCapacity: true)
        }
        for pack in persisted.packs {
            if let current = zonePacks.first?.zoneID, current != pack.zoneID { closeZone() }
            zonePacks.append(pack)
        }
        closeZone()
        let packs = shown.map { lifecycle.snapshot(of: $0, at: now) }
        var w = JSONWriter(reserving: 512 + packs.count * 320)
        w.objectStart()
        w.key("clock_mode"); w.string(state.clock.mode.rawValue)
        w.key("lifecycle"); w.objectStart()
        w.key("mode"); w.string(lifecycle.mode.rawValue)
        w.key("durations"); w.objectStart()
        w.key("initializing"); w.double(lifecycle.durations.initializing)
        w.key("pending_validation"); w.double(lifecycle.durations.validation)
        w.key("pending_issuance"); w.double(lifecycle.durations.issuance)
        w.key("pending_deployment"); w.double(lifecycle.durations.deployment)
        w.objectEnd()
        w.objectEnd()
        w.key("zones"); w.arrayStart()
        for zone in service.allZones { zone.write(quota: service.quota(zoneID: zone.id), into: &w) }
        w.arrayEnd()
        // A pack's stage path is one of a few; rows name it by its index in "paths".
        var paths: [[PackStatus]] = []
        w.key("packs"); w.arrayStart()
        for snapshot in packs {
            let stages = PackLifecycle.stages(for: snapshot.pack.scenario, attempt: snapshot.pack.timeline.attempt)
            let path: Int
            if let known = paths.firstIndex(of: stages) { path = known } else { path = paths.count; paths.append(stages) }
            Self.writeSummary(snapshot, path: path, stages: stages, lifecycle: lifecycle, now: now, into: &w)
        }
        w.arrayEnd()
        w.key("packs_per_zone_shown"); w.int(Self.packsPerZone)
        w.key("pack_counts"); w.objectStart()
        for (zone, byStatus) in counts {
            w.key(zone); w.objectStart()
            for status in PackStatus.allCases { if let n = byStatus[status] { w.key(status.rawValue); w.int(n) } }
            w.objectEnd()
        }
        w.objectEnd()
        w.key("paths"); w.arrayStart()
        for stages in paths { w.arrayStart(); for s in stages { w.string(s.rawValue) }; w.arrayEnd() }
        w.arrayEnd()
        w.key("faults"); w.arrayStart()
        for rule in state.faults.all { rule.write(into: &w) }
        w.arrayEnd()
        w.key("journal"); w.objectStart()
        w.key("count"); w.int(state.journal.count())
        w.key("last_sequence"); w.int(state.journal.lastSequence)
        w.key("capacity"); w.int(state.journal.capacity)
        w.objectEnd()
        w.key("credentials"); w.arrayStart()
        for c in state.credentials.all { w.string(c.name) }
        w.arrayEnd()
        w.objectEnd()
        return w.bytes
    }

    /// One pack row: where it stands on its path and when it moves on. The times depend only
    /// on the timeline, not on "now", so an unchanged pack keeps the body (and the ETag) stable.
    static func writeSummary(_ s: PackSnapshot, path: Int, stages: [PackStatus], lifecycle: PackLifecycle, now: Double, into w: inout JSONWriter) {
        let pack = s.pack
        let index = lifecycle.stageIndex(of: pack, at: now)
        let pinned = pack.timeline.forcedStatus
        w.objectStart()
        w.key("id"); w.string(pack.id)
        w.key("zone_id"); w.string(pack.zoneID)
        w.key("hosts"); pack.hostList.write(into: &w)
        w.key("status"); w.string(s.status.rawValue)
        w.key("path"); w.int(path)
        w.key("stage_index"); w.int(index)
        if pack.scenario != .none { w.key("scenario"); w.string(pack.scenario.rawValue) }
        if pack.timeline.attempt != 0 { w.key("attempt"); w.int(pack.timeline.attempt) }
        if let pinned { w.key("pinned"); w.string(pinned.rawValue) }
        // Stage start and end are known only in timed mode (manual and per-read keep no times).
        if lifecycle.mode == .timed {
            w.key("stage_started_at"); w.double(lifecycle.startOfStage(index, of: pack))
            if pinned == nil, index < stages.count - 1 { w.key("next_at"); w.double(lifecycle.startOfStage(index + 1, of: pack)) }
        }
        if !s.validationErrors.isEmpty {
            w.key("errors"); w.arrayStart(); for e in s.validationErrors { w.string(e) }; w.arrayEnd()
        }
        w.objectEnd()
    }

    private func requestsBody(_ filter: RequestJournal.Filter, limit: Int) -> [UInt8] {
        // Only the rows shown are decoded from the journal; the total is counted in place.
        let total = state.journal.count(matching: filter)
        let entries = state.journal.entries(matching: filter, limit: limit)
        var w = JSONWriter(reserving: 256 + entries.count * 200)
        w.objectStart()
        w.key("total"); w.int(total)
        // Counted with the rows, so "matching of held" never mixes two moments (the state is polled apart).
        w.key("held"); w.int(state.journal.count())
        w.key("entries"); w.arrayStart()
        for e in entries.reversed() { e.write(into: &w, bodies: .none) }
        w.arrayEnd()
        w.objectEnd()
        return w.bytes
    }
}
