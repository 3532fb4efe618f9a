/// Delegated DCV: the zone's `_acme-challenge` names CNAMEd to Cloudflare, so the CA's TXT
/// tokens can be placed without the user's DNS. The identifier is "account and zone
/// specific" (Cloudflare's docs); the mock has one account, so it derives it from the zone
/// id: 16 lowercase hex, as the live API returns, the same on every run.
public enum DCVDelegation {
    public static func uuid(zoneID: String) -> String {
        String(Hex.derived("dcv-delegation", zoneID).prefix(16))
    }

    /// One CNAME per base hostname (a wildcard folds into its base) of a pack waiting on
    /// TXT validation: `_acme-challenge.<host>` → `<host>.<uuid>.dcv.cloudflare.com`.
    static func records(for pack: CertificatePack) -> [DelegationRecord] {
        guard pack.validationMethod == .txt else { return [] }
        let uuid = uuid(zoneID: pack.zoneID)
        var bases: [String] = []
        for host in pack.hosts {
            let base = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
            if !bases.contains(base) { bases.append(base) }
        }
        return bases.map { DelegationRecord(cname: "_acme-challenge.\($0)", cnameTarget: "\($0).\(uuid).dcv.cloudflare.com") }
    }
}

/// A `dcv_delegation_records` entry.
public struct DelegationRecord: Sendable, Equatable {
    public var cname: String
    public var cnameTarget: String
    public var status: String

    public init(cname: String, cnameTarget: String, status: String = "pending") {
        self.cname = cname
        self.cnameTarget = cnameTarget
        self.status = status
    }
}
