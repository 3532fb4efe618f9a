import CertificatePacks
import StrictJSON

extension Verification {
    /// An item of `GET /ssl/verification`. `verification_info` carries the DCV data under
    /// the method's own keys (txt_name/txt_value, http_url/http_body, emails), never in
    /// `record_name`/`record_target`, whose schema allows only key names as values.
    func write(into w: inout JSONWriter) {
        w.objectStart()
        w.key("certificate_status"); w.string(certificateStatus.rawValue)
        w.key("brand_check"); w.bool(false)
        w.key("cert_pack_uuid"); w.string(packID)
        if let signature { w.key("signature"); w.string(signature) }
        if let validationMethod { w.key("validation_method"); w.string(validationMethod.rawValue) }
        if let info {
            w.key("verification_info"); w.objectStart()
            if let v = info.txtName { w.key("txt_name"); w.string(v) }
            if let v = info.txtValue { w.key("txt_value"); w.string(v) }
            if let v = info.httpURL { w.key("http_url"); w.string(v) }
            if let v = info.httpBody { w.key("http_body"); w.string(v) }
            if let emails = info.emails {
                w.key("emails"); w.arrayStart()
                for e in emails { w.string(e) }
                w.arrayEnd()
            }
            w.objectEnd()
        }
        if let verificationStatus { w.key("verification_status"); w.bool(verificationStatus) }
        w.key("verification_type"); w.string("cname")
        w.objectEnd()
    }
}
