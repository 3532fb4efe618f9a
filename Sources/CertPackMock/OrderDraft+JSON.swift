import ASCIIBytes
import CertificatePacks
import StrictJSON

extension OrderDraft {
    /// A body that gave no field yet.
    static var empty: OrderDraft {
        OrderDraft(type: .missing, hosts: .missing, validationMethod: .missing, certificateAuthority: .missing, validityDays: .missing)
    }

    /// Reads an order body's fields with their JSON types from a parsed object (the API
    /// reads them straight from the bytes: `OrderValidator.validate(body:zone:)`).
    init(json object: JSONObject) {
        self = .empty
        for member in object.members {
            var value = member.value
            ASCII.withUTF8(member.key) { read(member: UnsafeRawBufferPointer($0), &value) }
        }
    }

    /// Takes one member of the body, in arrival order: a field given twice is read from its
    /// last occurrence, as `JSONObject` lookups do; `null` counts as missing, as Cloudflare's
    /// schema has no nullable field here; other names are ignored. Only what a field needs
    /// is read: a string's bytes, a number's literal, the hosts one by one.
    mutating func read(member key: UnsafeRawBufferPointer, _ value: inout some JSONValueSource & ~Copyable) {
        // Each field is written in place: a Field returned from a generic function would be
        // assigned through its type's value witness (metadata lookup and all).
        if ASCII.equals(key, "type") {
            Self.readString(&value, into: &type)
        } else if ASCII.equals(key, "hosts") {
            Self.readHosts(&value, into: &hosts)
        } else if ASCII.equals(key, "validation_method") {
            Self.readString(&value, into: &validationMethod)
        } else if ASCII.equals(key, "certificate_authority") {
            Self.readString(&value, into: &certificateAuthority)
        } else if ASCII.equals(key, "validity_days") {
            Self.readDays(&value, into: &validityDays)
        } else if ASCII.equals(key, "cloudflare_branding") {
            let branding = value.readValue()
            if case .bool(let b) = branding {
                cloudflareBranding = .value(b)
            } else {
                Self.notOfType("a boolean", branding, into: &cloudflareBranding)
            }
        }
    }

    /// A field whose value is not of the `expected` type: missing when null.
    private static func notOfType<T>(_ expected: String, _ value: JSONValue, into field: inout Field<T>) {
        if value.isNull {
            field = .missing
        } else {
            field = .wrongType(expected: expected, found: value.typeName)
        }
    }

    private static func readString(_ value: inout some JSONValueSource & ~Copyable, into field: inout Field<String>) {
        var string = ""
        let isString = value.readString { string = String(decoding: $0, as: UTF8.self) }
        if isString {
            field = .value(string)
        } else {
            notOfType("a string", value.readValue(), into: &field)
        }
    }

    private static func readHosts(_ value: inout some JSONValueSource & ~Copyable, into field: inout Field<[Host]>) {
        var hosts: [Host] = []
        hosts.reserveCapacity(4)  // room for a typical order, so the list rarely regrows
        let isArray = value.readArray { item in
            if !item.readString({ hosts.append(.name(String(decoding: $0, as: UTF8.self))) }) {
                hosts.append(.notAString(found: item.readValue().typeName))
            }
        }
        if isArray {
            field = .value(hosts)
        } else {
            notOfType("an array of strings", value.readValue(), into: &field)
        }
    }

    private static func readDays(_ value: inout some JSONValueSource & ~Copyable, into field: inout Field<Days>) {
        if !value.readNumber({ readDays(literal: $0, into: &field) }) {
            notOfType("an integer", value.readValue(), into: &field)
        }
    }

    private static func readDays(literal: UnsafeRawBufferPointer, into field: inout Field<Days>) {
        // JSON Schema's "integer" is any number with no fraction, so 90.0 and 9e1 are 90.
        if let days = JSONNumber.exactInteger(literal: literal) {
            field = .value(.integer(days))
            return
        }
        let n = JSONNumber(literal: String(decoding: literal, as: UTF8.self))
        if n.doubleValue.isInfinite || n.doubleValue.rounded() == n.doubleValue {
            field = .value(.tooLarge(literal: n.literal))
        } else {
            field = .wrongType(expected: "an integer", found: "a number with a fraction")
        }
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
        if let other = try JSONReader.readMembers(body, { draft.read(member: $0, &$1) }) {
            return .failure(OrderRejection(problems: [.bodyNotObject(found: other.typeName)]))
        }
        return validate(draft, zone: zone)
    }
}
