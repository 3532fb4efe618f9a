import Locks
import FoundationEssentials

/// The credentials the mock accepts, from the fixtures plus any added at run time.
/// Secrets are kept as bytes next to each credential so a lookup allocates nothing.
public final class CredentialRegistry: @unchecked Sendable {
    private struct Entry {
        var credential: Credential
        var token: [UInt8] = []
        var email: [UInt8] = []
        var key: [UInt8] = []

        init(_ credential: Credential) {
            self.credential = credential
            switch credential.secret {
            case .apiToken(let t): token = Array(t.utf8)
            case .globalKey(let e, let k): email = Array(e.lowercased().utf8); key = Array(k.utf8)
            }
        }
    }

    private let lock = Lock()
    private let fixtures: [Entry]
    private var added: [Entry] = []
    /// `added + fixtures` (a credential added at run time wins), kept ready for lookups.
    private var entries: [Entry]

    public init(_ credentials: [Credential]) {
        fixtures = credentials.map(Entry.init)
        entries = fixtures
    }

    public var all: [Credential] { snapshot().map(\.credential) }

    public func add(_ credential: Credential) {
        lock.lock(); defer { lock.unlock() }
        added.removeAll { $0.credential.secret == credential.secret }
        added.append(Entry(credential))
        entries = added + fixtures
    }

    /// Credentials added at run time (not the fixtures'), oldest first, for the state file.
    public var addedAtRunTime: [Credential] { lock.lock(); defer { lock.unlock() }; return added.map(\.credential) }

    /// Drops credentials added at run time.
    public func reset() { lock.lock(); added = []; entries = fixtures; lock.unlock() }

    private func snapshot() -> [Entry] { lock.lock(); defer { lock.unlock() }; return entries }

    /// Every candidate is compared in full, in constant time, so response time says nothing about a secret.
    func token(_ token: Substring) -> Credential? {
        var token = token
        return token.withUTF8 { presented in
            var found: Credential?
            for entry in snapshot() where !entry.token.isEmpty {
                if ConstantTime.equals(entry.token, presented), found == nil { found = entry.credential }
            }
            return found
        }
    }

    func globalKey(email: String, key: String) -> Credential? {
        let email = Array(email.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
        var key = key
        return key.withUTF8 { presentedKey in
            email.withUnsafeBufferPointer { presentedEmail in
                var found: Credential?
                for entry in snapshot() where !entry.key.isEmpty {
                    let emailMatches = ConstantTime.equals(entry.email, presentedEmail)
                    if ConstantTime.equals(entry.key, presentedKey) && emailMatches, found == nil { found = entry.credential }
                }
                return found
            }
        }
    }
}
