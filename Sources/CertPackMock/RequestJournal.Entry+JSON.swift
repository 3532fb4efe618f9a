import StrictJSON

extension RequestJournal.Entry {
    /// An entry as `GET /__mock/requests` lists it.
    func write(into w: inout JSONWriter) {
        w.objectStart()
        w.key("sequence"); w.int(sequence)
        w.key("time"); w.string(Timestamp.rfc3339(time))
        w.key("method"); w.string(method)
        w.key("path"); w.string(path)
        w.key("query"); if let q = query { w.string(q) } else { w.null() }
        w.key("status"); w.int(status)
        w.key("error_codes"); w.arrayStart(); for c in errorCodes { w.int(c) }; w.arrayEnd()
        w.key("duration_ms"); w.double((durationMilliseconds * 1000).rounded() / 1000)
        w.key("credential"); w.string(credential)
        w.key("body"); w.string(body)
        w.key("protocol"); w.string(protocolName)
        w.key("tls")
        if let tls {
            w.objectStart()
            w.key("version"); w.string(tls.version)
            w.key("alpn"); if let alpn = tls.alpn { w.string(alpn) } else { w.null() }
            w.objectEnd()
        } else {
            w.null()
        }
        w.objectEnd()
    }
}
