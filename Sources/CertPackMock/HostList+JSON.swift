import CertificatePacks
import StrictJSON

extension HostList {
    /// The hosts as a JSON array of strings, written from the joined form without a String per host.
    func write(into w: inout JSONWriter) {
        w.arrayStart()
        w.strings(joined: joined, separator: UInt8(ascii: ","))
        w.arrayEnd()
    }
}
