import ASCIIBytes
import CertificatePacks
import StrictJSON

extension OrderDraft {
    /// A body that gave no field yet.
    static var empty: OrderDraft {
        OrderDraft(type: .missing, hosts: .missing, validationMethod: .missing, certificateAuthority: .missing, validityDays: .missing)
    }

    /// Reads an order body's fields with their JSON types; the rules are the validator's.
    init(json object: JSONObject) {
        self = .empty
        for member in object.members {
            ASCII.withUTF8(member.key) { read(member: UnsafeRawBufferPointer($0), member.value) }
        }
    }

    /// Takes one member of the body, in arrival order: a field given twice is read from its
    /// last occurrence, as `JSONObject` lookups do; `null` counts as missing, as Cloudflare's
    /// schema has no nullable field here; other names are ignored.
    mutating func read(member key: UnsafeRawBufferPointer, _ value: JSONValue) {
        func string(_ value: JSONValue) -> Field<String> {
            if case .string(let s) = value { return .value(s) }
            return .wrongType(expected: "a string", found: value.typeName)
        }
        let isNull = value.isNull
        if ASCII.equals(key, "type") {
            type = isNull ? .missing : string(value)
        } else if ASCII.equals(key, "hosts") {
            hosts = isNull ? .missing : Self.hosts(value)
        } else if ASCII.equals(key, "validation_method") {
            validationMethod = isNull ? .missing : string(value)
        } else if ASCII.equals(key, "certificate_authority") {
            certificateAuthority = isNull ? .missing : string(value)
        } else if ASCII.equals(key, "validity_days") {
            validityDays = isNull ? .missing : Self.days(value)
        } else if ASCII.equals(key, "cloudflare_branding") {
            if isNull {
                cloudflareBranding = .missing
            } else if case .bool(let b) = value {
                cloudflareBranding = .value(b)
            } else {
                cloudflareBranding = .wrongType(expected: "a boolean", found: value.typeName)
            }
        }
    }

    private static func hosts(_ value: JSONValue) -> Field<[Host]> {
        guard case .array(let items) = value else { return .wrongType(expected: "an array of strings", found: value.typeName) }
        return .value(items.map { item in
            if case .string(let s) = item { return .name(s) }
            return .notAString(found: item.typeName)
        })
    }

    private static func days(_ value: JSONValue) -> Field<Days> {
        // JSON Schema's "integer" is any number with no fraction, so 90.0 and 9e1 are 90.
        guard case .number(let n) = value else { return .wrongType(expected: "an integer", found: value.typeName) }
        if let days = n.exactInteger { return .value(.integer(days)) }
        if n.doubleValue.isInfinite || n.doubleValue.rounded() == n.doubleValue { return .value(.tooLarge(literal: n.literal)) }
        return .wrongType(expected: "an integer", found: "a number with a fraction")
    }
}

extension OrderValidator {
    /// An order body as the API reads it: anything but an object is one problem; an
    /// object becomes a draft for the rules.
    func validate(json body: JSONValue, zone: Zone) -> Result<OrderRequest, OrderRejection> {
        guard case .object(let object) = body else { return .failure(OrderRejection(problems: [.bodyNotObject(found: body.typeName)])) }
        return validate(OrderDraft(json: object), zone: zone)
    }

    /// `validate(json:zone:)` straight from the body's bytes: the draft takes the object's
    /// members as they are parsed, so no tree of the body is built. Throws what
    /// `JSONReader.parse` throws.
    func validate(body: [UInt8], zone: Zone) throws(JSONParseError) -> Result<OrderRequest, OrderRejection> {
        var draft = OrderDraft.empty
        if let other = try JSONReader.readMembers(body, { draft.read(member: $0, $1) }) {
            return .failure(OrderRejection(problems: [.bodyNotObject(found: other.typeName)]))
        }
        return validate(draft, zone: zone)
    }
}
