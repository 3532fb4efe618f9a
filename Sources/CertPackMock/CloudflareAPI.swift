import ASCIIBytes
import CertificatePacks
import HTTPServer
import StrictJSON

/// Cloudflare's certificate-pack, SSL verification and DCV delegation operations:
/// routing, auth, validation and the envelope. Synchronous and free of I/O; decorators
/// around it add the journal, faults, latency and rate limits. Every refusal is an
/// `APIError` thrown by the step that finds it and rendered once, in `respond`.
struct CloudflareAPI: Sendable {
    let service: CertificatePackService
    let authenticator: Authenticator
    let validator: OrderValidator
    /// GET answers of packs, reused while a pack reads the same.
    let packAnswers = PackAnswerCache()

    /// What a route asks of the caller before it is handled.
    private struct Operation {
        var zone: Substring
        var permission: Permission

        /// 7000 for a path that is not Cloudflare's; 405 for a wrong method on one that is.
        init(_ route: Route, method: String) throws(APIError) {
            let allowed: [String]
            switch route {
            case .listPacks(let zone), .quota(let zone): (self.zone, permission, allowed) = (zone, .sslRead, ["GET", "HEAD"])
            case .orderPack(let zone): (self.zone, permission, allowed) = (zone, .sslEdit, ["POST"])
            case .pack(let zone, _):
                (self.zone, permission, allowed) = (zone, method == "GET" || method == "HEAD" ? .sslRead : .sslEdit, ["GET", "HEAD", "PATCH", "DELETE"])
            case .verifications(let zone), .dcvDelegationUUID(let zone): (self.zone, permission, allowed) = (zone, .sslRead, ["GET", "HEAD"])
            case .verification(let zone, _): (self.zone, permission, allowed) = (zone, .sslEdit, ["PATCH"])
            case .control, .unknown: throw .noRoute
            }
            // Cloudflare publishes no answer for a wrong method on these paths; 405 with Allow is HTTP's.
            guard allowed.contains(method) else { throw .methodNotAllowed(allowed) }
        }
    }

    /// Answers one Cloudflare request, with the error codes (if any) for the journal and logs.
    /// `caller` is the credential's name ("none" without auth headers, "invalid" when refused), never the secret.
    func respond(to request: HTTPRequest, route: Route) -> (response: HTTPResponse, codes: [Int], caller: String) {
        let operation: Operation
        do { operation = try Operation(route, method: request.method) } catch { return (error.response, error.codes, "none") }
        let credential: Credential
        do { credential = try authenticator.authenticate(request.headers) } catch {
            return (error.response, error.codes, error.codes.first == 9106 ? "none" : "invalid")
        }
        do {
            return (try handle(request, route: route, operation: operation, credential: credential), [], credential.name)
        } catch {
            return (error.response, error.codes, credential.name)
        }
    }

    private func handle(_ request: HTTPRequest, route: Route, operation: Operation, credential: Credential) throws(APIError) -> HTTPResponse {
        // String(Substring) is the concrete initialiser; the generic lookup would use a generic one.
        guard Identifier.isHex32(operation.zone), let zone = service.zone(String(operation.zone)) else {
            throw .couldNotRoute(request.path)
        }
        guard credential.allows(operation.permission, zoneID: zone.id) else { throw .authenticationError }

        switch route {
        case .orderPack: return try order(request, zone: zone)
        case .listPacks: return try list(request, zone: zone)
        case .quota: return quota(zone: zone)
        case .pack(_, let id):
            // Parsed once here: a path segment that is no pack id is not a route.
            guard let id = PackID(id) else { throw .couldNotRoute(request.path) }
            switch request.method {
            case "PATCH": return try edit(request, id: id, zone: zone)
            case "DELETE": return try delete(id: id, zone: zone)
            default: return try read(id: id, zone: zone)
            }
        case .verifications: return try verifications(request, zone: zone)
        case .verification(_, let id):
            guard let id = PackID(id) else { throw .couldNotRoute(request.path) }
            return try changeValidation(request, id: id, zone: zone)
        case .dcvDelegationUUID:
            return Envelope.success { w in
                w.objectStart(); w.key("uuid"); w.string(DCVDelegation.uuid(zoneID: zone.id)); w.objectEnd()
            }
        case .control, .unknown: throw .noRoute
        }
    }

    // MARK: Operations

    private func order(_ request: HTTPRequest, zone: Zone) throws(APIError) -> HTTPResponse {
        guard zone.advancedCertificateManager else { throw .advancedCertificateManagerRequired }
        // An order needs a body: an empty one is malformed JSON (6007), as at Cloudflare.
        guard try hasJSONBody(request) else { throw .malformedJSON }
        let verdict: Result<OrderRequest, OrderRejection>
        do {
            verdict = try validator.validate(body: request.body, zone: zone)
        } catch {
            throw .malformedJSON
        }
        let order: OrderRequest
        switch verdict {
        case .failure(let rejection): throw .invalidOrder(rejection)
        case .success(let valid): order = valid
        }
        do {
            let snapshot = try service.order(order, zoneID: zone.id)
            return Envelope.success { snapshot.write(into: &$0) }
        } catch CertificatePackService.Failure.quotaExceeded(let allocated) {
            throw .quotaExceeded(allocated: allocated)
        } catch {
            throw .packNotFound
        }
    }

    private func read(id: PackID, zone: Zone) throws(APIError) -> HTTPResponse {
        guard let reading = service.reading(id, zoneID: zone.id) else { throw .packNotFound }
        return Envelope.success(body: packAnswers.body(for: reading) { reading in
            let snapshot = reading.snapshot
            return Envelope.successBody { snapshot.write(into: &$0) }
        })
    }

    private func list(_ request: HTTPRequest, zone: Zone) throws(APIError) -> HTTPResponse {
        let query = QueryParameters(request.query)
        var problems: [APIError.Item] = []
        let page = Self.integer(query["page"], name: "page", range: 1...Int(Int32.max), default: 1, &problems)
        let perPage = Self.integer(query["per_page"], name: "per_page", range: 5...50, default: 20, &problems)
        let status = query["status"]
        if let status, status != "all" {
            problems.append(.init(code: 1490, message: "status: \(status) is not one of all.", pointer: "status"))
        }
        if let deploy = query["deploy"], deploy != "staging", deploy != "production" {
            problems.append(.init(code: 1490, message: "deploy: \(deploy) is not one of staging, production.", pointer: "deploy"))
        }
        guard problems.isEmpty else { throw APIError(status: 400, items: problems) }
        let (items, total) = service.list(zoneID: zone.id, includeAll: status == "all", page: page, perPage: perPage)
        let info = ResultInfo(page: page, perPage: perPage, count: items.count, totalCount: total)
        return Envelope.success(resultInfo: info) { w in
            w.arrayStart()
            for item in items { item.write(into: &w) }
            w.arrayEnd()
        }
    }

    private func edit(_ request: HTTPRequest, id: PackID, zone: Zone) throws(APIError) -> HTTPResponse {
        var branding: Bool?
        switch try parseJSONBody(request) {
        case nil: break
        case .object(let object)?:
            switch object["cloudflare_branding"] {
            case nil, .null?: break
            case .bool(let b)?: branding = b
            case let other?:
                throw .invalidOrder(OrderRejection(problems: [.wrongType(field: "cloudflare_branding", expected: "a boolean", found: other.typeName)]))
            }
        case let other?:
            throw .invalidOrder(OrderRejection(problems: [.bodyNotObject(found: other.typeName)]))
        }
        guard let snapshot = service.edit(id, zoneID: zone.id, cloudflareBranding: branding) else { throw .packNotFound }
        return Envelope.success { snapshot.write(into: &$0) }
    }

    /// `retry=true` rechecks every pack waiting on validation; `false`, `0` or none do not
    /// (real clients send PHP's `false`); anything else is refused like a bad list parameter.
    private func verifications(_ request: HTTPRequest, zone: Zone) throws(APIError) -> HTTPResponse {
        let retry: Bool
        switch QueryParameters(request.query)["retry"] {
        case nil, "false", "0": retry = false
        case "true", "1": retry = true
        case let other?:
            throw APIError(status: 400, items: [.init(code: 1490, message: "retry: \(other.prefix(40)) is not one of true.", pointer: "retry")])
        }
        let snapshots = service.verifications(zoneID: zone.id, retry: retry)
        return Envelope.success { w in
            w.arrayStart()
            for snapshot in snapshots { snapshot.verification?.write(into: &w) }
            w.arrayEnd()
        }
    }

    private func changeValidation(_ request: HTTPRequest, id: PackID, zone: Zone) throws(APIError) -> HTTPResponse {
        let object: JSONObject
        switch try parseJSONBody(request) {
        case nil: throw .invalidOrder(OrderRejection(problems: [.missingField("validation_method")]))
        case .object(let o)?: object = o
        case let other?: throw .invalidOrder(OrderRejection(problems: [.bodyNotObject(found: other.typeName)]))
        }
        let method: ValidationMethod
        switch object["validation_method"] {
        case nil, .null?: throw .invalidOrder(OrderRejection(problems: [.missingField("validation_method")]))
        case .string("cname")?: throw .cnameValidationNotOffered
        case .string(let s)?:
            guard let m = ValidationMethod(rawValue: s) else {
                throw .invalidOrder(OrderRejection(problems: [.notAllowed(field: "validation_method", value: s, allowed: ["http", "cname", "txt", "email"])]))
            }
            method = m
        case let other?:
            throw .invalidOrder(OrderRejection(problems: [.wrongType(field: "validation_method", expected: "a string", found: other.typeName)]))
        }
        do {
            let snapshot = try service.changeValidation(id, zoneID: zone.id, to: method, rules: validator)
            return Envelope.success { w in
                w.objectStart()
                w.key("status"); w.string(snapshot.status.rawValue)
                w.key("validation_method"); w.string(snapshot.pack.validationMethod.rawValue)
                w.objectEnd()
            }
        } catch CertificatePackService.Failure.validationMethodLocked(let status) {
            throw .validationMethodLocked(status)
        } catch CertificatePackService.Failure.methodNotOffered(let problems) {
            throw APIError(status: 400, items: problems.map { .init(code: $0.code, message: $0.message, pointer: "/validation_method") })
        } catch {
            throw .packNotFound
        }
    }

    private func delete(id: PackID, zone: Zone) throws(APIError) -> HTTPResponse {
        guard let pack = service.delete(id, zoneID: zone.id) else { throw .packNotFound }
        return Envelope.success { w in
            w.objectStart(); w.key("id"); pack.packID.write(into: &w); w.objectEnd()
        }
    }

    private func quota(zone: Zone) -> HTTPResponse {
        let (allocated, used) = service.quota(zoneID: zone.id)
        return Envelope.success { w in
            w.objectStart()
            w.key("advanced"); w.objectStart()
            w.key("allocated"); w.int(allocated)
            w.key("used"); w.int(used)
            w.objectEnd()
            w.objectEnd()
        }
    }

    // MARK: Helpers

    /// nil for an empty body; 9207 for a body declared as something other than JSON; 6007 for bad JSON.
    private func parseJSONBody(_ request: HTTPRequest) throws(APIError) -> JSONValue? {
        guard try hasJSONBody(request) else { return nil }
        do {
            return try JSONReader.parse(request.body)
        } catch {
            throw .malformedJSON
        }
    }

    /// false for an empty body; 9207 for a body declared as something other than JSON.
    private func hasJSONBody(_ request: HTTPRequest) throws(APIError) -> Bool {
        guard !request.body.isEmpty else { return false }
        if request.headers.firstValue("Content-Type", passes: Self.isJSONMediaType) == false { throw .contentTypeNotJSON }
        return true
    }

    /// `application/json`, any case, optionally followed by parameters (`; charset=utf-8`).
    static func isJSONMediaType(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        guard ASCII.hasPrefixIgnoringCase(bytes, at: i, "application/json") else { return false }
        i += 16
        return i == bytes.count || bytes[i] == UInt8(ascii: ";") || bytes[i] == 0x20 || bytes[i] == 0x09
    }

    private static func integer(_ raw: String?, name: String, range: ClosedRange<Int>, default value: Int, _ problems: inout [APIError.Item]) -> Int {
        guard let raw else { return value }
        // The SDK sends whole numbers; "2.0" is accepted as 2 since the schema types these as number.
        if let n = Int(raw) ?? Double(raw).flatMap({ $0.rounded() == $0 && abs($0) < 1e15 ? Int($0) : nil }), range.contains(n) {
            return n
        }
        problems.append(.init(code: 1490, message: "\(name): must be an integer from \(range.lowerBound) to \(range.upperBound), found '\(raw.prefix(40))'.", pointer: name))
        return value
    }
}
