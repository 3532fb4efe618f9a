import CertificatePacks
import StrictJSON

extension OrderDraft {
    /// Reads an order body's fields with their JSON types; the rules are the validator's.
    /// `null` counts as missing, as Cloudflare's schema has no nullable field here.
    init(json object: JSONObject) {
        func field<T>(_ name: String, _ read: (JSONValue) -> Field<T>) -> Field<T> {
            guard let value = object[name], value != .null else { return .missing }
            return read(value)
        }
        func string(_ value: JSONValue) -> Field<String> {
            if case .string(let s) = value { return .value(s) }
            return .wrongType(expected: "a string", found: value.typeName)
        }
        self.init(
            type: field("type", string),
            hosts: field("hosts") { value in
                guard case .array(let items) = value else { return .wrongType(expected: "an array of strings", found: value.typeName) }
                return .value(items.map { item in
                    if case .string(let s) = item { return .name(s) }
                    return .notAString(found: item.typeName)
                })
            },
            validationMethod: field("validation_method", string),
            certificateAuthority: field("certificate_authority", string),
            validityDays: field("validity_days") { value in
                // JSON Schema's "integer" is any number with no fraction, so 90.0 and 9e1 are 90.
                guard case .number(let n) = value else { return .wrongType(expected: "an integer", found: value.typeName) }
                if let days = n.exactInteger { return .value(.integer(days)) }
                if n.doubleValue.isInfinite || n.doubleValue.rounded() == n.doubleValue { return .value(.tooLarge(literal: n.literal)) }
                return .wrongType(expected: "an integer", found: "a number with a fraction")
            },
            cloudflareBranding: field("cloudflare_branding") { value in
                if case .bool(let b) = value { return .value(b) }
                return .wrongType(expected: "a boolean", found: value.typeName)
            })
    }
}

extension OrderValidator {
    /// An order body as the API reads it: anything but an object is one problem; an
    /// object becomes a draft for the rules.
    func validate(json body: JSONValue, zone: Zone) -> Result<OrderRequest, OrderRejection> {
        guard case .object(let object) = body else { return .failure(OrderRejection(problems: [.bodyNotObject(found: body.typeName)])) }
        return validate(OrderDraft(json: object), zone: zone)
    }
}
