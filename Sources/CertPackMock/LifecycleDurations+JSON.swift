import CertificatePacks
import StrictJSON

extension LifecycleDurations {
    /// `GET /__mock/lifecycle`: the mode with the seconds each stage lasts.
    func write(mode: LifecycleMode, into w: inout JSONWriter) {
        w.objectStart()
        w.key("mode"); w.string(mode.rawValue)
        w.key("durations"); w.objectStart()
        w.key("initializing"); w.double(initializing)
        w.key("pending_validation"); w.double(validation)
        w.key("pending_issuance"); w.double(issuance)
        w.key("pending_deployment"); w.double(deployment)
        w.objectEnd()
        w.objectEnd()
    }
}
