import Foundation

/// The credentials the mock accepts, from the fixtures plus any added at run time.
public final class CredentialRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var fixtures: [Credential]
    private var added: [Credential] = []

    public init(_ credentials: [Credential]) { fixtures = credentials }

    public var all: [Credential] { lock.lock(); defer { lock.unlock() }; return fixtures + added }

    public func add(_ credential: Credential) {
        lock.lock(); defer { lock.unlock() }
        added.removeAll { $0.secret == credential.secret }
        added.append(credential)
    }

    /// Drops credentials added at run time.
    public func reset() { lock.lock(); added.removeAll(); lock.unlock() }

    /// Every candidate is compared in full, in constant time, so response time says nothing about a secret.
    func token(_ token: Substring) -> Credential? {
        var found: Credential?
        for credential in all {
            if case .apiToken(let t) = credential.secret, ConstantTime.equals(t, token), found == nil { found = credential }
        }
        return found
    }

    func globalKey(email: String, key: String) -> Credential? {
        var found: Credential?
        for credential in all {
            if case .globalKey(let e, let k) = credential.secret,
               ConstantTime.equals(e.lowercased(), email.lowercased()) && ConstantTime.equals(k, key), found == nil {
                found = credential
            }
        }
        return found
    }
}
