import CertificatePacks
import StrictJSON

extension Zone {
    /// A zone as the control API shows it, with its quota as the zone reads now.
    func write(quota: (allocated: Int, used: Int), into w: inout JSONWriter) {
        w.objectStart()
        w.key("id"); w.string(id)
        w.key("name"); w.string(name)
        w.key("advanced_certificate_manager"); w.bool(advancedCertificateManager)
        w.key("enterprise"); w.bool(enterprise)
        w.key("quota"); w.objectStart()
        w.key("allocated"); w.int(quota.allocated)
        w.key("used"); w.int(quota.used)
        w.objectEnd()
        w.objectEnd()
    }
}
