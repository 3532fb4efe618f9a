import FoundationEssentials
import Synchronization

/// Test-set rules that make matching Cloudflare requests fail, slow down or drop:
/// "the next N times" or always. Checked before the API handles a request.
public final class FaultRules: Sendable {
    public struct Rule: Sendable {
        public enum Action: Sendable, Equatable {
            /// Answer with this status and Cloudflare error (code, message) in the envelope.
            case fail(status: Int, code: Int, message: String)
            /// Close the connection abruptly (TCP reset) without answering.
            case reset
            /// Handle normally after a delay.
            case delay
        }

        public var id: Int
        public var method: String?
        /// Glob on the path; `/client/v4` is ignored on both sides.
        public var path: String
        public var action: Action
        /// Added before answering, for every action.
        public var delayMilliseconds: Int
        /// How many more requests it applies to; nil is always.
        public var remaining: Int?
        public var matched: Int = 0
        /// Extra headers on a `fail` answer (e.g. Retry-After).
        public var headers: [(name: String, value: String)]

        public init(id: Int = 0, method: String? = nil, path: String = "*", action: Action, delayMilliseconds: Int = 0, times: Int? = nil, headers: [(name: String, value: String)] = []) {
            self.id = id
            self.method = method?.uppercased()
            self.path = path
            self.action = action
            self.delayMilliseconds = max(0, delayMilliseconds)
            self.remaining = times
            self.headers = headers
        }
    }

    private struct State {
        var rules: [Rule] = []
        var nextID = 1
    }

    private let state = Mutex(State())

    public init() {}

    @discardableResult
    public func add(_ rule: Rule) -> Rule {
        state.withLock { s in
            var rule = rule
            rule.id = s.nextID
            s.nextID += 1
            s.rules.append(rule)
            return rule
        }
    }

    public var all: [Rule] { state.withLock { $0.rules } }

    @discardableResult
    public func remove(id: Int) -> Bool {
        state.withLock { s in
            let before = s.rules.count
            s.rules.removeAll { $0.id == id }
            return s.rules.count != before
        }
    }

    public func removeAll() { state.withLock { $0.rules.removeAll() } }

    /// The rules and the next id, together, for the state file.
    public var persisted: (rules: [Rule], nextID: Int) { state.withLock { ($0.rules, $0.nextID) } }

    /// Puts rules back as a state file kept them (ids, remaining uses and match counts included).
    public func restore(_ saved: [Rule], nextID: Int) {
        state.withLock { s in
            s.rules = saved
            s.nextID = max(nextID, (saved.map(\.id).max() ?? 0) + 1)
        }
    }

    /// The first rule that matches, consuming one of its uses; exhausted rules are dropped.
    func take(method: String, path: Substring) -> Rule? {
        state.withLock { s in
            guard !s.rules.isEmpty else { return nil }
            let bare = Self.withoutAPIPrefix(path)
            for index in s.rules.indices {
                let rule = s.rules[index]
                if let m = rule.method, m != method { continue }
                guard Glob.matches(Self.withoutAPIPrefix(Substring(rule.path)), bare) else { continue }
                s.rules[index].matched += 1
                if let remaining = rule.remaining {
                    if remaining <= 1 { s.rules.remove(at: index) } else { s.rules[index].remaining = remaining - 1 }
                }
                return rule
            }
            return nil
        }
    }

    static func withoutAPIPrefix(_ path: Substring) -> String {
        path.hasPrefix("/client/v4/") ? String(path.dropFirst(10)) : String(path)
    }
}
