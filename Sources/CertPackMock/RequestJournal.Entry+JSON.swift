import StrictJSON

extension RequestJournal.Entry {
    /// Which bodies an encoded entry carries: none (the dashboard's rows: each may be
    /// 64 KiB), the request's (`GET /__mock/requests`), or both (the dashboard's detail).
    enum Bodies {
        case none, request, requestAndResponse
    }

    /// An entry as `GET /__mock/requests` lists it, with the bodies asked for.
    func write(into w: inout JSONWriter, bodies: Bodies = .request) {
        w.objectStart()
        w.key("sequence"); w.int(sequence)
        w.key("time"); Timestamp.write(time, into: &w)
        w.key("method"); w.string(method)
        w.key("path"); w.string(path)
        w.key("query"); if let q = query { w.string(q) } else { w.null() }
        w.key("status"); w.int(status)
        w.key("error_codes"); w.arrayStart(); for c in errorCodes { w.int(c) }; w.arrayEnd()
        w.key("duration_ms"); w.double((durationMilliseconds * 1000).rounded() / 1000)
        w.key("credential"); w.string(credential)
        if bodies != .none { w.key("body"); w.string(body) }
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
        if bodies == .requestAndResponse {
            w.key("response_body"); w.string(String(decoding: responseBody, as: UTF8.self))
        }
        w.objectEnd()
    }
}
