import CertificatePacks
import StrictJSON

extension PackSnapshot {
    /// The pack object of Cloudflare's schema. `certificates` is always present
    /// (empty until issued) because the schema marks it required.
    func write(into w: inout JSONWriter) {
        w.objectStart()
        w.opening(#""id":"#); pack.packID.write(into: &w)
        w.opening(#","type":"advanced","hosts":"#); pack.hostList.write(into: &w)
        w.key("status"); statusNames.write(status, into: &w)
        w.key("validation_method"); methodNames.write(pack.validationMethod, into: &w)
        w.key("validity_days"); w.int(pack.validityDays)
        w.key("certificate_authority"); authorityNames.write(pack.certificateAuthority, into: &w)
        w.key("cloudflare_branding"); w.bool(pack.cloudflareBranding)
        w.key("certificates"); w.arrayStart()
        for certificate in certificates { write(certificate, into: &w) }
        w.arrayEnd()
        if let primary = primaryCertificate {
            w.key("primary_certificate"); primary.write(into: &w)
        }
        if !validationRecords.isEmpty {
            w.key("validation_records"); w.arrayStart()
            for record in validationRecords { write(record, into: &w) }
            w.arrayEnd()
        }
        if !dcvDelegationRecords.isEmpty {
            w.key("dcv_delegation_records"); w.arrayStart()
            for record in dcvDelegationRecords {
                w.objectStart()
                w.key("cname"); w.string(record.cname)
                w.key("cname_target"); w.string(record.cnameTarget)
                w.key("status"); w.string(record.status)
                w.objectEnd()
            }
            w.arrayEnd()
        }
        if !validationErrors.isEmpty {
            w.key("validation_errors"); w.arrayStart()
            for message in validationErrors {
                w.objectStart(); w.key("message"); w.string(message); w.objectEnd()
            }
            w.arrayEnd()
        }
        w.objectEnd()
    }

    private func write(_ c: IssuedCertificate, into w: inout JSONWriter) {
        w.objectStart()
        w.key("id"); c.id.write(into: &w)
        w.key("hosts"); w.arrayStart()
        for host in c.hosts { w.string(host) }
        w.arrayEnd()
        w.key("status"); w.string("active")
        w.key("bundle_method"); w.string("ubiquitous")
        w.key("signature"); w.string(c.signature)
        w.key("issuer"); w.string(c.issuer)
        w.key("zone_id"); w.string(pack.zoneID)
        w.key("priority"); w.int(c.priority)
        w.key("uploaded_on"); Timestamp.write(c.uploadedOn, into: &w)
        w.key("modified_on"); Timestamp.write(c.uploadedOn, into: &w)
        w.key("expires_on"); Timestamp.write(c.expiresOn, into: &w)
        w.objectEnd()
    }

    private func write(_ r: ValidationRecord, into w: inout JSONWriter) {
        w.objectStart()
        if let v = r.txtName { w.key("txt_name"); w.string(v) }
        if let v = r.txtValue { w.key("txt_value"); w.string(v) }
        if let v = r.httpURL { w.key("http_url"); w.string(v) }
        if let v = r.httpBody { w.key("http_body"); w.string(v) }
        if let emails = r.emails {
            w.key("emails"); w.arrayStart()
            for e in emails { w.string(e) }
            w.arrayEnd()
        }
        w.key("status"); w.string(r.status)
        w.objectEnd()
    }
}

extension PackID {
    /// The id as a JSON string, written without a String in between.
    func write(into w: inout JSONWriter) {
        w.plainString(byteCount: textLength) { writeText(into: $0) }
    }
}

/// Enum cases as JSON strings, spelled once from their raw values: a raw value written
/// through its String cost about three times as much, and every pack answer writes three.
/// All spellings sit in one byte array, so finding one retains nothing.
private struct QuotedRawValues<Value: Equatable & RawRepresentable<String>>: Sendable where Value: Sendable {
    private let values: [Value]
    /// Where each value's spelling lies in `spellings`, in the order of `values`.
    private let ranges: [Range<Int>]
    private let spellings: [UInt8]

    init(_ values: some Sequence<Value>) {
        self.values = Array(values)
        var spellings: [UInt8] = []
        ranges = self.values.map { value in
            let start = spellings.count
            spellings += Array("\"\(value.rawValue)\"".utf8)
            return start..<spellings.count
        }
        self.spellings = spellings
    }

    func write(_ value: Value, into w: inout JSONWriter) {
        guard let k = values.firstIndex(of: value) else { return w.string(value.rawValue) }
        spellings.withUnsafeBytes { w.raw(UnsafeRawBufferPointer(rebasing: $0[ranges[k]])) }
    }
}

private let statusNames = QuotedRawValues(PackStatus.allCases)
private let methodNames = QuotedRawValues(ValidationMethod.allCases)
private let authorityNames = QuotedRawValues(CertificateAuthority.allCases)
