/// What a read of a pack shows at one moment: the fields that depend on its stage.
public struct PackSnapshot: Sendable, Equatable {
    public var pack: CertificatePack
    public var status: PackStatus
    /// DCV records while the CA waits for them (pending_validation, validation_timed_out).
    public var validationRecords: [ValidationRecord]
    /// CA or DCV error messages on a failed attempt.
    public var validationErrors: [String]
    /// Issued certificates (ECDSA first, the primary, then RSA) once issued.
    public var certificates: [IssuedCertificate]
    /// CNAMEs for delegated DCV, while a TXT-validated pack waits on validation.
    public var dcvDelegationRecords: [DelegationRecord] = []

    public var primaryCertificate: PackID? { certificates.first?.id }
}

public struct ValidationRecord: Sendable, Equatable {
    public var txtName: String?
    public var txtValue: String?
    public var httpURL: String?
    public var httpBody: String?
    public var emails: [String]?
    public var status: String
}

public struct IssuedCertificate: Sendable, Equatable {
    /// 32 hex digits, written like a pack id.
    public var id: PackID
    public var hosts: [String]
    public var signature: String
    public var issuer: String
    /// Seconds since 1970.
    public var uploadedOn: Double
    public var expiresOn: Double
    public var priority: Int
}

extension PackLifecycle {
    /// The full view of a pack at `now`: status plus the fields that come with it.
    public func snapshot(of pack: CertificatePack, at now: Double) -> PackSnapshot {
        snapshot(of: pack, status: status(of: pack, at: now))
    }

    /// The view of a pack that shows `status`: the time matters only through the status.
    func snapshot(of pack: CertificatePack, status: PackStatus) -> PackSnapshot {
        // The lists first and the snapshot made once: filling in a snapshot made before
        // copied it on the way out.
        var validationRecords: [ValidationRecord] = []
        var validationErrors: [String] = []
        var certificates: [IssuedCertificate] = []
        var dcvDelegationRecords: [DelegationRecord] = []
        switch status {
        case .pendingValidation:
            validationRecords = Self.validationRecords(for: pack)
            dcvDelegationRecords = DCVDelegation.records(for: pack)
        case .validationTimedOut:
            validationRecords = Self.validationRecords(for: pack)
            dcvDelegationRecords = DCVDelegation.records(for: pack)
            validationErrors = [Self.failureMessage(for: pack, status: status)]
        case .issuanceTimedOut, .initializingTimedOut, .deploymentTimedOut:
            validationErrors = [Self.failureMessage(for: pack, status: status)]
        case .active, .pendingExpiration, .expired, .stagingActive, .backupIssued, .pendingDeployment,
             .stagingDeployment, .holdingDeployment, .deactivating, .inactive:
            if status != .pendingDeployment { certificates = self.certificates(for: pack) }
        default:
            break
        }
        return PackSnapshot(pack: pack, status: status, validationRecords: validationRecords, validationErrors: validationErrors,
                            certificates: certificates, dcvDelegationRecords: dcvDelegationRecords)
    }

    static func failureMessage(for pack: CertificatePack, status: PackStatus) -> String {
        let hosts = pack.hosts
        let host = hosts.first { FailureScenario.selected(by: [$0]) != .none } ?? hosts.first ?? ""
        switch (pack.scenario, status) {
        case (.caRateLimit, _):
            return "The authority has rate limited these domains. Please wait for the rate limit to expire or try another authority."
        case (_, .validationTimedOut):
            return "SERVFAIL looking up CAA for \(host)"
        case (_, .issuanceTimedOut):
            return "Internal error with Certificate Authority"
        default:
            return "Certificate authority encountered a SERVFAIL during DNS lookup, please check your DNS reachability."
        }
    }

    /// One record per host (two for SSL.com, which validates its RSA and ECDSA orders separately).
    static func validationRecords(for pack: CertificatePack) -> [ValidationRecord] {
        let perHost = pack.certificateAuthority == .sslCom ? 2 : 1
        var records: [ValidationRecord] = []
        let id = pack.id
        for host in pack.hosts {
            let base = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
            for n in 0..<perHost {
                let token = Hex.derived(id, String(pack.timeline.attempt), host, String(n))
                switch pack.validationMethod {
                case .txt:
                    records.append(ValidationRecord(txtName: "_acme-challenge.\(base)", txtValue: token, status: "pending"))
                case .http:
                    records.append(ValidationRecord(
                        httpURL: "http://\(base)/.well-known/pki-validation/ca3-\(token).txt",
                        httpBody: "ca3-\(Hex.derived(token, "body"))", status: "pending"))
                case .email:
                    records.append(ValidationRecord(
                        emails: ["administrator", "webmaster", "hostmaster", "postmaster", "admin"].map { "\($0)@\(base)" },
                        status: "pending"))
                }
            }
        }
        return records
    }

    /// An ECDSA and an RSA certificate, issued when deployment began.
    func certificates(for pack: CertificatePack) -> [IssuedCertificate] {
        let stages = Self.stages(for: pack.scenario, attempt: pack.timeline.attempt)
        let deployIndex = stages.firstIndex(of: .pendingDeployment) ?? 0
        let issued = mode == .timed ? startOfStage(deployIndex, of: pack) : pack.timeline.startedAt
        let expires = issued + Double(pack.validityDays) * 86_400
        let attempt = String(pack.timeline.attempt)
        let id = pack.id
        let hosts = pack.hosts
        func certificate(_ signature: String, priority: Int) -> IssuedCertificate {
            IssuedCertificate(
                id: Hex.derivedID(id, attempt, signature),
                hosts: hosts, signature: signature, issuer: pack.certificateAuthority.issuerName,
                uploadedOn: issued, expiresOn: expires, priority: priority)
        }
        return [certificate("ECDSAWithSHA256", priority: 1), certificate("SHA256WithRSA", priority: 2)]
    }
}
