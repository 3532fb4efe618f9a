import CertificatePacks
import FoundationEssentials
import HTTPServer
import Logging

/// A running CertPackMock: the HTTP server plus direct access to its state, for
/// the command-line tool and for Swift tests that run the mock in-process:
///
/// ```swift
/// let mock = try MockServer.start()
/// defer { mock.stop() }
/// // point a client at mock.baseURL, then drive time without HTTP:
/// mock.clock.advance(by: 10)
/// ```
public final class MockServer: Sendable {
    public let state: MockState
    private let server: Server
    /// Set with `--state-file`.
    public let persistence: StatePersistence?

    /// Starts listening (port 0 in the default configuration: a free port) and returns once ready.
    /// Request lines go to `requestLog`, or to `logger` when it is nil.
    public static func start(_ configuration: MockConfiguration = MockConfiguration(), logger: Logger = Logger(label: "certpack-mock"),
                             requestLog: (any RequestLog)? = nil) throws -> MockServer {
        let mock = MockServer(configuration, logger: logger, requestLog: requestLog ?? LoggerRequestLog(logger))
        try mock.persistence?.load()
        try mock.persistence?.saveAtStart()
        try mock.server.start()
        mock.persistence?.start()
        return mock
    }

    private init(_ configuration: MockConfiguration, logger: Logger, requestLog: any RequestLog) {
        let state = MockState(configuration)
        self.state = state
        let persistence = configuration.stateFile.map { StatePersistence(path: $0, state: state) }
        self.persistence = persistence
        var handler = MockHandler(state: state, logger: logger, requestLog: requestLog)
        if let persistence { handler.changed = { persistence.markChanged() } }
        server = Server(configuration: configuration.server, handler: handler,
                        protocolErrorResponder: { APIError(status: $0.status, code: APIError.protocolErrorCode, message: $0.message).response })
    }

    /// The port the server listens on.
    public var port: Int { server.boundPort }

    /// `http://127.0.0.1:PORT/client/v4` (or the first configured host), the base URL for Cloudflare SDKs.
    public var baseURL: URL {
        let host = server.configuration.hosts.first ?? "127.0.0.1"
        let shown = host == "0.0.0.0" ? "127.0.0.1" : (host.contains(":") ? "[\(host == "::" ? "::1" : host)]" : host)
        return URL(string: "http://\(shown):\(port)/client/v4")!
    }

    /// The addresses actually bound, as `host:port` (`[::1]:port` for IPv6).
    public var boundAddresses: [String] { server.boundAddresses }

    public var service: CertificatePackService { state.service }
    public var clock: VirtualClock { state.clock }
    public var journal: RequestJournal { state.journal }
    public var faults: FaultRules { state.faults }
    public var credentials: CredentialRegistry { state.credentials }

    /// Creates a pack directly, as `POST /__mock/packs` does: any id, any status, no order
    /// rules or quota. E.g. a pack waiting on validation for an hour:
    /// `PackDraft(zoneID: zone, order: order, status: .pendingValidation, pinned: true, secondsInStatus: 3600)`.
    @discardableResult
    public func createPack(_ draft: PackDraft) throws -> PackSnapshot { try state.service.create(draft) }

    /// Resets all state (or the parts given) between tests.
    public func reset(_ parts: Set<MockState.Part> = Set(MockState.Part.allCases)) { state.reset(parts) }

    /// Stops accepting, lets requests in flight finish (up to `gracePeriod` seconds), closes every connection.
    public func stop(gracePeriod: Double = 5) {
        server.stop(gracePeriod: gracePeriod)
        persistence?.stop()
    }
}
