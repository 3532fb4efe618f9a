/// One item of `GET /ssl/verification`: the DCV view of a pack. Its enums are narrower
/// than the pack's (no `email` method, seven statuses), and strict clients reject values
/// outside them, so fields without a fitting value are left out.
public struct Verification: Sendable, Equatable {
    public var packID: String
    public var certificateStatus: CertificateStatus
    /// nil while initializing ("omitted if verification status is unknown").
    public var verificationStatus: Bool?
    /// nil for `email`, which the verification schema does not list.
    public var validationMethod: ValidationMethod?
    /// The first record the CA waits for, under the method's own keys; nil when none is awaited.
    public var info: ValidationRecord?
    /// The primary certificate's signature once issued.
    public var signature: String?
}

extension PackSnapshot {
    /// The verification item for this pack; nil for a pack going away (deleted, inactive…).
    public var verification: Verification? {
        guard let certificateStatus = status.certificateStatus else { return nil }
        let verified: Bool?
        switch status {
        case .initializing: verified = nil
        case .pendingValidation, .validationTimedOut, .initializingTimedOut: verified = false
        default: verified = true
        }
        return Verification(
            packID: pack.id, certificateStatus: certificateStatus, verificationStatus: verified,
            validationMethod: pack.validationMethod == .email ? nil : pack.validationMethod,
            info: validationRecords.first, signature: certificates.first?.signature)
    }
}
