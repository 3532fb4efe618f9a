import CertificatePacks
import Dispatch
import FoundationEssentials
import HTTPServer
import Logging

/// The server's handler: control calls go to `ControlAPI`; Cloudflare calls pass
/// fault rules, latency and the rate limit (decorators, not branches in the API)
/// and are then journaled and logged.
struct MockHandler: HTTPHandler {
    let state: MockState
    let api: CloudflareAPI
    let control: ControlAPI
    let logger: Logger
    /// One line per answered request; kept apart from `logger` because it is on every request's path.
    let requestLog: any RequestLog
    /// Tells the state file that a request may have changed what it holds (nil without `--state-file`).
    var changed: (@Sendable () -> Void)?

    init(state: MockState, logger: Logger, requestLog: any RequestLog) {
        self.state = state
        self.logger = logger
        self.requestLog = requestLog
        api = CloudflareAPI(service: state.service, authenticator: Authenticator(registry: state.credentials),
                            validator: OrderValidator(enforceAuthorityRules: state.configuration.enforceAuthorityRules))
        control = ControlAPI(state: state)
    }

    func handle(_ request: HTTPRequest) -> HTTPHandling {
        let started = DispatchTime.now().uptimeNanoseconds
        let path = request.path
        let route = Route(path: path)
        if case .control(let segments) = route {
            let response = control.respond(to: request, segments: segments)
            if let changed, request.method != "GET" && request.method != "HEAD" { changed() }
            log(request, response, started: started, control: true)
            return .reply(.response(response))
        }
        let rule = state.faults.take(method: request.method, path: path)
        if let changed {
            // Writes change packs; a matched rule counts down; a GET moves a pack in per-read mode.
            if rule != nil || (request.method != "GET" && request.method != "HEAD") || state.service.lifecycleMode == .perRead { changed() }
        }
        guard let rule else {
            return .reply(.response(answer(request, route: route, started: started)))
        }
        let act: @Sendable () -> HTTPReply = {
            switch rule.action {
            case .reset:
                record(request, HTTPResponse(status: 0), started: started, codes: [], caller: "fault")
                logger.info("\(request.method) \(request.path) -> connection reset by fault rule \(rule.id)")
                return .resetConnection
            case .fail(let status, let code, let message):
                let error = APIError(status: status, items: [.init(code: code, message: message)], headers: rule.headers)
                let response = error.response
                record(request, response, started: started, codes: [code], caller: "fault")
                log(request, response, started: started, codes: [code])
                return .response(response)
            case .delay:
                return .response(answer(request, route: route, started: started))
            }
        }
        guard rule.delayMilliseconds > 0 else { return .reply(act()) }
        return .later { reply in
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(rule.delayMilliseconds)) { reply(act()) }
        }
    }

    /// The Cloudflare answer, after the rate limit.
    private func answer(_ request: HTTPRequest, route: Route, started: UInt64) -> HTTPResponse {
        let result: (response: HTTPResponse, codes: [Int], caller: String)
        if let retryAfter = state.rateLimiter.check(key: { rateLimitKey(request.headers) }, now: state.clock.now()) {
            let error = APIError.rateLimited(retryAfter: retryAfter)
            result = (error.response, error.codes, "rate-limited")
        } else {
            result = api.respond(to: request, route: route)
        }
        record(request, result.response, started: started, codes: result.codes, caller: result.caller)
        log(request, result.response, started: started, codes: result.codes)
        return result.response
    }

    /// The credential presented, as the rate limit counts per credential.
    private func rateLimitKey(_ headers: HTTPHeaders) -> String {
        if let email = headers["X-Auth-Email"] { return "email:" + email.lowercased() }
        return headers["Authorization"] ?? "anonymous"
    }

    private func record(_ request: HTTPRequest, _ response: HTTPResponse, started: UInt64, codes: [Int], caller: String) {
        let journal = state.journal
        // Off (--journal-limit 0): not even the clock is read.
        guard journal.isEnabled else { return }
        journal.record(request, status: response.status, responseBody: response.body, errorCodes: codes, credential: caller,
                       time: state.clock.now(), durationMilliseconds: Self.milliseconds(since: started))
    }

    private func log(_ request: HTTPRequest, _ response: HTTPResponse, started: UInt64, codes: [Int] = [], control: Bool = false) {
        let level: Logger.Level = control ? .debug : .info
        guard requestLog.isEnabled(level) else { return }
        requestLog.write(RequestLogLine(
            method: request.method, path: request.path, status: response.status, errorCode: codes.first,
            durationMilliseconds: Self.milliseconds(since: started), protocolName: request.version.protocolName, level: level))
    }

    static func milliseconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds &- start) / 1_000_000
    }

}
