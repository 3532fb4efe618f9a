import StrictJSON

extension Credential {
    /// Secrets are shown masked.
    func write(into w: inout JSONWriter) {
        w.objectStart()
        w.key("name"); w.string(name)
        switch secret {
        case .apiToken: w.key("kind"); w.string("api_token")
        case .globalKey(let email, _): w.key("kind"); w.string("global_key"); w.key("email"); w.string(email)
        }
        w.key("secret"); w.string(maskedSecret)
        w.key("permissions"); w.arrayStart()
        for p in Permission.allCases where permissions.contains(p) { w.string(p.rawValue) }
        w.arrayEnd()
        w.key("zones"); w.arrayStart()
        for z in (zones.map { $0.sorted() } ?? ["*"]) { w.string(z) }
        w.arrayEnd()
        w.objectEnd()
    }
}
