/// `certificate_status` of the SSL verification answer: seven values, coarser than a
/// pack's 21. Cloudflare publishes no mapping; this one follows the lifecycle stage by stage
/// (README, "SSL verification"), so every value is reachable.
public enum CertificateStatus: String, CaseIterable, Sendable {
    case initializing
    case authorizing
    case active
    case expired
    case issuing
    case timingOut = "timing_out"
    case pendingDeployment = "pending_deployment"
}

extension PackStatus {
    /// The verification view of this status; nil for packs going away, which the list leaves out.
    public var certificateStatus: CertificateStatus? {
        switch self {
        case .initializing: return .initializing
        case .pendingValidation: return .authorizing
        case .pendingIssuance: return .issuing
        case .pendingDeployment, .stagingDeployment, .holdingDeployment: return .pendingDeployment
        // pending_expiration: the certificate still serves until it expires.
        case .active, .stagingActive, .backupIssued, .pendingExpiration: return .active
        case .expired: return .expired
        case .initializingTimedOut, .validationTimedOut, .issuanceTimedOut, .deploymentTimedOut: return .timingOut
        case .deleted, .pendingDeletion, .deletionTimedOut, .pendingCleanup, .deactivating, .inactive: return nil
        }
    }

    /// Still waiting on domain control validation: the validation method may change.
    public var awaitsValidation: Bool {
        self == .initializing || self == .pendingValidation || self == .validationTimedOut || self == .initializingTimedOut
    }

    /// Validated, not yet serving: a recheck has nothing left to check.
    public var isPastValidation: Bool {
        self == .pendingIssuance || self == .pendingDeployment || self == .stagingDeployment || self == .holdingDeployment
    }
}
