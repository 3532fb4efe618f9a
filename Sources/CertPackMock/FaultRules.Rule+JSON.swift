import StrictJSON

extension FaultRules.Rule {
    /// A rule as the control API shows it, with its use counts.
    func write(into w: inout JSONWriter) {
        w.objectStart()
        w.key("id"); w.int(id)
        w.key("method"); if let m = method { w.string(m) } else { w.null() }
        w.key("path"); w.string(path)
        switch action {
        case .fail(let status, let code, let message):
            w.key("action"); w.string("fail")
            w.key("status"); w.int(status)
            w.key("code"); w.int(code)
            w.key("message"); w.string(message)
        case .reset: w.key("action"); w.string("reset")
        case .delay: w.key("action"); w.string("delay")
        }
        w.key("delay_ms"); w.int(delayMilliseconds)
        w.key("remaining"); if let r = remaining { w.int(r) } else { w.null() }
        w.key("matched"); w.int(matched)
        w.objectEnd()
    }
}
