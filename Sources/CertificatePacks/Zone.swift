/// A zone the mock knows, from the fixtures or added at run time.
public struct Zone: Sendable, Equatable {
    /// 32 lowercase hex characters, as Cloudflare's zone identifiers.
    public var id: String
    /// The apex hostname, e.g. `example.com`.
    public var name: String
    /// Whether the Advanced Certificate Manager add-on is enabled; without it orders get 1450.
    public var advancedCertificateManager: Bool
    /// Enterprise plan: SSL.com 365-day certificates are allowed only here.
    public var enterprise: Bool
    /// `advanced.allocated` of the quota endpoint; orders past it are refused.
    public var quotaAllocated: Int

    public init(id: String, name: String, advancedCertificateManager: Bool = true, enterprise: Bool = false, quotaAllocated: Int = 100) {
        self.id = id
        self.name = Hostname.lowercased(name)
        self.advancedCertificateManager = advancedCertificateManager
        self.enterprise = enterprise
        self.quotaAllocated = quotaAllocated
    }
}
