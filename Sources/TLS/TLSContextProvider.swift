import Locks

/// The server's TLS context, made when it is first needed rather than at start-up: a CA,
/// a server certificate and an `SSL_CTX` cost key generation, signing and OpenSSL's own
/// set-up, which a mock started for plain HTTP never uses. The first connection that opens
/// with a TLS handshake (or the first request for the CA) makes it; every other caller, on
/// any thread, waits for that one and gets the same context.
///
/// A context that cannot be made stays unmade: the error is reported once, through
/// `reportFailure`, and every later caller gets it again without another attempt.
/// Guarded by a pthread `Lock`, not a `Mutex`: many first handshakes contend for it at once,
/// and ThreadSanitizer does not see the ordering a contended `Mutex` gives on Linux (its futex
/// wait is outside the instrumented code). `@unchecked Sendable` holds because `state` is read
/// and written only inside `lock.withLock`; every other stored property is a `let` of a
/// Sendable type.
public final class TLSContextProvider: @unchecked Sendable {
    /// In server preference order, known before the context exists (for the start-up banner).
    public let applicationProtocols: [ApplicationProtocol]
    /// The names the mock's own certificate covers; empty with the user's certificate.
    public let certificateNames: [SubjectAlternativeName]
    /// Whether the mock's own CA signs the certificate (so `/__mock/tls/ca.pem` has one to serve).
    public let issuesOwnCertificate: Bool

    private enum Stage {
        case pending(@Sendable () throws(TLSError) -> TLSServerContext)
        case made(TLSServerContext)
        case failed(TLSError)
    }

    private struct State {
        var stage: Stage
        /// How many contexts were made (0 or 1), for tests that check nothing is made early.
        var madeCount = 0
    }

    private let lock = Lock()
    private var state: State
    private let reportFailure: @Sendable (TLSError) -> Void

    private init(stage: Stage, applicationProtocols: [ApplicationProtocol], certificateNames: [SubjectAlternativeName],
                 issuesOwnCertificate: Bool, reportFailure: @escaping @Sendable (TLSError) -> Void) {
        self.applicationProtocols = applicationProtocols
        self.certificateNames = certificateNames
        self.issuesOwnCertificate = issuesOwnCertificate
        self.reportFailure = reportFailure
        var initial = State(stage: stage)
        if case .made = stage { initial.madeCount = 1 }
        state = initial
    }

    /// A context made already (the user's certificate, or one a test built).
    public convenience init(ready context: TLSServerContext) {
        self.init(stage: .made(context), applicationProtocols: context.applicationProtocols,
                  certificateNames: context.identity.names, issuesOwnCertificate: context.identity.certificateAuthorityPEM != nil,
                  reportFailure: { _ in })
    }

    /// The mock's own certificate for `names`, signed by `authority` (one loaded or made at
    /// start-up, e.g. from `--tls-dir`) or, when nil, by a fresh CA; all made on first need.
    public convenience init(issuingFor names: [SubjectAlternativeName], by authority: CertificateAuthority? = nil,
                            applicationProtocols: [ApplicationProtocol] = [.http2, .http1],
                            reportFailure: @escaping @Sendable (TLSError) -> Void = { _ in }) {
        let make: @Sendable () throws(TLSError) -> TLSServerContext = { () throws(TLSError) in
            let signer: CertificateAuthority
            if let authority { signer = authority } else { signer = try CertificateAuthority.generate() }
            return try TLSServerContext(identity: try signer.issueServerIdentity(for: names), applicationProtocols: applicationProtocols)
        }
        self.init(stage: .pending(make), applicationProtocols: applicationProtocols, certificateNames: names,
                  issuesOwnCertificate: true, reportFailure: reportFailure)
    }

    /// A context `make` builds on first need (tests use it to count calls or to fail).
    package convenience init(deferred make: @escaping @Sendable () throws(TLSError) -> TLSServerContext,
                             applicationProtocols: [ApplicationProtocol], certificateNames: [SubjectAlternativeName] = [],
                             issuesOwnCertificate: Bool = true, reportFailure: @escaping @Sendable (TLSError) -> Void = { _ in }) {
        self.init(stage: .pending(make), applicationProtocols: applicationProtocols, certificateNames: certificateNames,
                  issuesOwnCertificate: issuesOwnCertificate, reportFailure: reportFailure)
    }

    /// The context, made now if this is the first call. Callers arriving while it is being
    /// made wait for it; it is made at most once.
    public func context() throws(TLSError) -> TLSServerContext {
        let outcome: Result<TLSServerContext, TLSError> = lock.withLock {
            switch state.stage {
            case .made(let context):
                return .success(context)
            case .failed(let error):
                return .failure(error)
            case .pending(let make):
                do throws(TLSError) {
                    let context = try make()
                    state.stage = .made(context)
                    state.madeCount += 1
                    return .success(context)
                } catch {
                    state.stage = .failed(error)
                    reportFailure(error)
                    return .failure(error)
                }
            }
        }
        return try outcome.get()
    }

    /// Whether the context exists yet.
    package var isMade: Bool { lock.withLock { state.madeCount > 0 } }

    /// How many times a context was made: 1 at most, however many callers raced for it.
    package var madeCount: Int { lock.withLock { state.madeCount } }
}
