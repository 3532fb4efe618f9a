/// An order body as the API layer read it, before any rule: each field present with
/// its value, missing, or of the wrong JSON type. The validator turns it into an
/// `OrderRequest` or the list of every problem, so the domain never sees JSON.
public struct OrderDraft: Sendable, Equatable {
    /// One field of the body.
    public enum Field<Value: Sendable & Equatable>: Sendable, Equatable {
        case missing
        /// Present but of another type; `found` names it ("a number", "null"…).
        case wrongType(expected: String, found: String)
        case value(Value)
    }

    /// One entry of `hosts`, which may be anything in the body.
    public enum Host: Sendable, Equatable {
        case name(String)
        case notAString(found: String)
    }

    /// `validity_days`, a JSON integer: either one that fits an Int or a whole number
    /// written too large for one (1e400, 10^30), which is an integer, just never an offered one.
    public enum Days: Sendable, Equatable {
        case integer(Int)
        case tooLarge(literal: String)
    }

    public var type: Field<String>
    public var hosts: Field<[Host]>
    public var validationMethod: Field<String>
    public var certificateAuthority: Field<String>
    public var validityDays: Field<Days>
    /// Missing (or null) is false.
    public var cloudflareBranding: Field<Bool>

    public init(type: Field<String>, hosts: Field<[Host]>, validationMethod: Field<String>, certificateAuthority: Field<String>,
                validityDays: Field<Days>, cloudflareBranding: Field<Bool> = .missing) {
        self.type = type
        self.hosts = hosts
        self.validationMethod = validationMethod
        self.certificateAuthority = certificateAuthority
        self.validityDays = validityDays
        self.cloudflareBranding = cloudflareBranding
    }
}
