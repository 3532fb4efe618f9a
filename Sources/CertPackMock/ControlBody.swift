import ASCIIBytes
import HTTPServer
import StrictJSON

/// A control call's JSON body (empty is fine; anything but an object is refused).
struct ControlBody {
    private let object: JSONObject?

    init(_ request: HTTPRequest) throws {
        guard !request.body.isEmpty else { object = nil; return }
        guard let value = try? JSONReader.parse(request.body) else { throw APIError.malformedJSON }
        guard case .object(let o) = value else { throw ControlAPI.invalid("the body must be a JSON object") }
        object = o
    }

    func value(_ key: String) -> JSONValue? { object?[key] }
    func string(_ key: String) -> String? { if case .string(let s)? = value(key) { return s }; return nil }
    func bool(_ key: String) -> Bool? { if case .bool(let b)? = value(key) { return b }; return nil }
    func int(_ key: String) -> Int? { if case .number(let n)? = value(key) { return n.exactInteger }; return nil }
    func double(_ key: String) -> Double? { if case .number(let n)? = value(key) { return n.doubleValue }; return nil }
    func isNull(_ key: String) -> Bool { value(key) == .null }
}

/// RFC 9110 §5.1/§5.5 checks for headers a test asks the mock to send.
enum HeaderSafety {
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            ASCII.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    static func isValue(_ s: String) -> Bool { s.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) } }
}
