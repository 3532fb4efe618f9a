import CertificatePacks
import HTTPServer
import StrictJSON

/// Cloudflare's six certificate-pack operations: routing, auth, validation and
/// the envelope. Synchronous and free of I/O; decorators around it add the
/// journal, faults, latency and rate limits.
struct CloudflareAPI: Sendable {
    let service: CertificatePackService
    let authenticator: Authenticator
    let validator: OrderValidator

    /// Answers one Cloudflare request, with the error codes (if any) for the journal and logs.
    /// `caller` is the credential's name ("none" without auth headers, "invalid" when refused), never the secret.
    func respond(to request: HTTPRequest, route: Route) -> (response: HTTPResponse, codes: [Int], caller: String) {
        var caller = "none"
        switch handle(request, route: route, caller: &caller) {
        case .success(let response): return (response, [], caller)
        case .failure(let error): return (Envelope.failure(error), error.codes, caller)
        }
    }

    private func handle(_ request: HTTPRequest, route: Route, caller: inout String) -> Result<HTTPResponse, APIError> {
        let operation: (zone: Substring, permission: Permission)
        let allowed: [String]
        switch route {
        case .listPacks(let zone), .quota(let zone): (operation, allowed) = ((zone, .sslRead), ["GET", "HEAD"])
        case .orderPack(let zone): (operation, allowed) = ((zone, .sslEdit), ["POST"])
        case .pack(let zone, _): (operation, allowed) = ((zone, request.method == "GET" || request.method == "HEAD" ? .sslRead : .sslEdit), ["GET", "HEAD", "PATCH", "DELETE"])
        case .verifications(let zone), .dcvDelegationUUID(let zone): (operation, allowed) = ((zone, .sslRead), ["GET", "HEAD"])
        case .verification(let zone, _): (operation, allowed) = ((zone, .sslEdit), ["PATCH"])
        case .control, .unknown: return .failure(.noRoute)
        }
        // Cloudflare publishes no answer for a wrong method on these paths; 405 with Allow is HTTP's.
        guard allowed.contains(request.method) else { return .failure(.methodNotAllowed(allowed)) }
        let credential: Credential
        switch authenticator.authenticate(request.headers) {
        case .success(let c): credential = c; caller = c.name
        case .failure(let e): caller = e.codes.first == 9106 ? "none" : "invalid"; return .failure(e)
        }
        guard Identifier.isHex32(operation.zone), let zone = service.zone(operation.zone) else {
            return .failure(.couldNotRoute(request.path))
        }
        guard credential.allows(operation.permission, zoneID: zone.id) else { return .failure(.authenticationError) }

        switch route {
        case .orderPack: return order(request, zone: zone)
        case .listPacks: return list(request, zone: zone)
        case .quota: return quota(zone: zone)
        case .pack(_, let id):
            guard Identifier.isPackID(id) else { return .failure(.couldNotRoute(request.path)) }
            switch request.method {
            case "PATCH": return edit(request, id: id, zone: zone)
            case "DELETE": return delete(id: id, zone: zone)
            default: return read(id: id, zone: zone)
            }
        case .verifications: return verifications(request, zone: zone)
        case .verification(_, let id):
            guard Identifier.isPackID(id) else { return .failure(.couldNotRoute(request.path)) }
            return changeValidation(request, id: id, zone: zone)
        case .dcvDelegationUUID:
            return .success(Envelope.success { w in
                w.objectStart(); w.key("uuid"); w.string(DCVDelegation.uuid(zoneID: zone.id)); w.objectEnd()
            })
        default: return .failure(.noRoute)
        }
    }

    // MARK: Operations

    private func order(_ request: HTTPRequest, zone: Zone) -> Result<HTTPResponse, APIError> {
        guard zone.advancedCertificateManager else { return .failure(.advancedCertificateManagerRequired) }
        let body: JSONValue
        switch parseJSONBody(request) {
        case .success(let value?): body = value
        // An order needs a body: an empty one is malformed JSON (6007), as at Cloudflare.
        case .success(nil): return .failure(.malformedJSON)
        case .failure(let e): return .failure(e)
        }
        switch validator.validate(body, zone: zone) {
        case .failure(let rejection): return .failure(.invalidOrder(rejection))
        case .success(let order):
            do {
                let snapshot = try service.order(order, zoneID: zone.id)
                return .success(Envelope.success { snapshot.write(into: &$0) })
            } catch CertificatePackService.Failure.quotaExceeded(let allocated) {
                return .failure(.quotaExceeded(allocated: allocated))
            } catch {
                return .failure(.packNotFound)
            }
        }
    }

    private func read(id: Substring, zone: Zone) -> Result<HTTPResponse, APIError> {
        guard let snapshot = service.read(id, zoneID: zone.id) else { return .failure(.packNotFound) }
        return .success(Envelope.success { snapshot.write(into: &$0) })
    }

    private func list(_ request: HTTPRequest, zone: Zone) -> Result<HTTPResponse, APIError> {
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
        guard problems.isEmpty else { return .failure(APIError(status: 400, items: problems)) }
        let (items, total) = service.list(zoneID: zone.id, includeAll: status == "all", page: page, perPage: perPage)
        let info = ResultInfo(page: page, perPage: perPage, count: items.count, totalCount: total)
        return .success(Envelope.success(resultInfo: info) { w in
            w.arrayStart()
            for item in items { item.write(into: &w) }
            w.arrayEnd()
        })
    }

    private func edit(_ request: HTTPRequest, id: Substring, zone: Zone) -> Result<HTTPResponse, APIError> {
        var branding: Bool?
        switch parseJSONBody(request) {
        case .failure(let e): return .failure(e)
        case .success(nil): break
        case .success(.object(let object)?):
            switch object["cloudflare_branding"] {
            case nil, .null?: break
            case .bool(let b)?: branding = b
            case let other?:
                return .failure(.invalidOrder(OrderRejection(problems: [.wrongType(field: "cloudflare_branding", expected: "a boolean", found: other.typeName)])))
            }
        case .success(let other?):
            return .failure(.invalidOrder(OrderRejection(problems: [.bodyNotObject(found: other.typeName)])))
        }
        guard let snapshot = service.edit(id, zoneID: zone.id, cloudflareBranding: branding) else { return .failure(.packNotFound) }
        return .success(Envelope.success { snapshot.write(into: &$0) })
    }

    /// `retry=true` rechecks every pack waiting on validation; `false`, `0` or none do not
    /// (real clients send PHP's `false`); anything else is refused like a bad list parameter.
    private func verifications(_ request: HTTPRequest, zone: Zone) -> Result<HTTPResponse, APIError> {
        let retry: Bool
        switch QueryParameters(request.query)["retry"] {
        case nil, "false", "0": retry = false
        case "true", "1": retry = true
        case let other?:
            return .failure(APIError(status: 400, items: [.init(code: 1490, message: "retry: \(other.prefix(40)) is not one of true.", pointer: "retry")]))
        }
        let snapshots = service.verifications(zoneID: zone.id, retry: retry)
        return .success(Envelope.success { w in
            w.arrayStart()
            for snapshot in snapshots { snapshot.verification?.write(into: &w) }
            w.arrayEnd()
        })
    }

    private func changeValidation(_ request: HTTPRequest, id: Substring, zone: Zone) -> Result<HTTPResponse, APIError> {
        let object: JSONObject
        switch parseJSONBody(request) {
        case .failure(let e): return .failure(e)
        case .success(nil): return .failure(.invalidOrder(OrderRejection(problems: [.missingField("validation_method")])))
        case .success(.object(let o)?): object = o
        case .success(let other?): return .failure(.invalidOrder(OrderRejection(problems: [.bodyNotObject(found: other.typeName)])))
        }
        let method: ValidationMethod
        switch object["validation_method"] {
        case nil, .null?: return .failure(.invalidOrder(OrderRejection(problems: [.missingField("validation_method")])))
        case .string("cname")?: return .failure(.cnameValidationNotOffered)
        case .string(let s)?:
            guard let m = ValidationMethod(rawValue: s) else {
                return .failure(.invalidOrder(OrderRejection(problems: [.notAllowed(field: "validation_method", value: s, allowed: ["http", "cname", "txt", "email"])])))
            }
            method = m
        case let other?:
            return .failure(.invalidOrder(OrderRejection(problems: [.wrongType(field: "validation_method", expected: "a string", found: other.typeName)])))
        }
        do {
            let snapshot = try service.changeValidation(id, zoneID: zone.id, to: method, rules: validator)
            return .success(Envelope.success { w in
                w.objectStart()
                w.key("status"); w.string(snapshot.status.rawValue)
                w.key("validation_method"); w.string(snapshot.pack.validationMethod.rawValue)
                w.objectEnd()
            })
        } catch CertificatePackService.Failure.validationMethodLocked(let status) {
            return .failure(.validationMethodLocked(status))
        } catch CertificatePackService.Failure.methodNotOffered(let problems) {
            return .failure(APIError(status: 400, items: problems.map { .init(code: $0.code, message: $0.message, pointer: "/validation_method") }))
        } catch {
            return .failure(.packNotFound)
        }
    }

    private func delete(id: Substring, zone: Zone) -> Result<HTTPResponse, APIError> {
        guard let pack = service.delete(id, zoneID: zone.id) else { return .failure(.packNotFound) }
        return .success(Envelope.success { w in
            w.objectStart(); w.key("id"); w.string(pack.id); w.objectEnd()
        })
    }

    private func quota(zone: Zone) -> Result<HTTPResponse, APIError> {
        let (allocated, used) = service.quota(zoneID: zone.id)
        return .success(Envelope.success { w in
            w.objectStart()
            w.key("advanced"); w.objectStart()
            w.key("allocated"); w.int(allocated)
            w.key("used"); w.int(used)
            w.objectEnd()
            w.objectEnd()
        })
    }

    // MARK: Helpers

    /// nil for an empty body; 9207 for a body declared as something other than JSON; 6007 for bad JSON.
    private func parseJSONBody(_ request: HTTPRequest) -> Result<JSONValue?, APIError> {
        guard !request.body.isEmpty else { return .success(nil) }
        if let type = request.headers["Content-Type"], !Self.isJSONMediaType(type) {
            return .failure(.contentTypeNotJSON)
        }
        do {
            return .success(try JSONReader.parse(request.body))
        } catch {
            return .failure(.malformedJSON)
        }
    }

    /// `application/json`, any case, optionally followed by parameters (`; charset=utf-8`).
    static func isJSONMediaType(_ value: String) -> Bool {
        Identifier.withUTF8(value) { bytes in
            var i = 0
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
            for expected in "application/json".utf8 {
                guard i < bytes.count else { return false }
                let c = bytes[i]
                guard (c >= 0x41 && c <= 0x5A ? c | 0x20 : c) == expected else { return false }
                i += 1
            }
            return i == bytes.count || bytes[i] == UInt8(ascii: ";") || bytes[i] == 0x20 || bytes[i] == 0x09
        }
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
