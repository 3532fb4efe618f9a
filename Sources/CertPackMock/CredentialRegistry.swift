import ASCIIBytes
import FoundationEssentials
import Synchronization

/// The credentials the mock accepts, from the fixtures plus any added at run time.
/// Secrets are kept as bytes next to each credential so a lookup allocates nothing.
public final class CredentialRegistry: Sendable {
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

    private struct State {
        var added: [Entry] = []
        /// `added + fixtures` (a credential added at run time wins), kept ready for lookups.
        var entries: [Entry]
    }

    private let fixtures: [Entry]
    private let state: Mutex<State>

    public init(_ credentials: [Credential]) {
        fixtures = credentials.map(Entry.init)
        state = Mutex(State(entries: fixtures))
    }

    public var all: [Credential] { snapshot().map(\.credential) }

    public func add(_ credential: Credential) {
        state.withLock { s in
            s.added.removeAll { $0.credential.secret == credential.secret }
            s.added.append(Entry(credential))
            s.entries = s.added + fixtures
        }
    }

    /// Credentials added at run time (not the fixtures'), oldest first, for the state file.
    public var addedAtRunTime: [Credential] { state.withLock { $0.added.map(\.credential) } }

    /// Drops credentials added at run time.
    public func reset() { state.withLock { $0 = State(entries: fixtures) } }

    private func snapshot() -> [Entry] { state.withLock { $0.entries } }

    /// Every candidate is compared in full, in constant time, so response time says nothing
    /// about a secret. The match is remembered by position and its credential copied once.
    func token(_ presented: UnsafeBufferPointer<UInt8>) -> Credential? {
        // Through a buffer pointer: an Array subscript copied the whole entry out.
        snapshot().withUnsafeBufferPointer { entries in
            var match = -1
            for index in entries.indices where !entries[index].token.isEmpty {
                if ConstantTime.equals(entries[index].token, presented), match < 0 { match = index }
            }
            return match < 0 ? nil : entries[match].credential
        }
    }

    func globalKey(email: String, key: String) -> Credential? {
        let email = Array(email.utf8.map(ASCII.lowercased))
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
