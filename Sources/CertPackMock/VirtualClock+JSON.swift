import CertificatePacks
import StrictJSON

extension VirtualClock {
    /// `GET /__mock/clock`: virtual now as RFC 3339 and epoch seconds, and the mode.
    func write(into w: inout JSONWriter) {
        let now = now()
        w.objectStart()
        w.key("now"); Timestamp.write(now, into: &w)
        w.key("epoch_seconds"); w.double(now)
        w.key("mode"); w.string(mode.rawValue)
        w.objectEnd()
    }
}
