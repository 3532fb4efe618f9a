/// Every status Cloudflare's schema lists for a certificate pack.
public enum PackStatus: String, CaseIterable, Sendable {
    case initializing
    case pendingValidation = "pending_validation"
    case deleted
    case pendingIssuance = "pending_issuance"
    case pendingDeployment = "pending_deployment"
    case pendingDeletion = "pending_deletion"
    case pendingExpiration = "pending_expiration"
    case expired
    case active
    case initializingTimedOut = "initializing_timed_out"
    case validationTimedOut = "validation_timed_out"
    case issuanceTimedOut = "issuance_timed_out"
    case deploymentTimedOut = "deployment_timed_out"
    case deletionTimedOut = "deletion_timed_out"
    case pendingCleanup = "pending_cleanup"
    case stagingDeployment = "staging_deployment"
    case stagingActive = "staging_active"
    case deactivating
    case inactive
    case backupIssued = "backup_issued"
    case holdingDeployment = "holding_deployment"
}
