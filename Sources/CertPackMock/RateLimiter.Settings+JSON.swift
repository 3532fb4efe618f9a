import StrictJSON

extension RateLimiter.Settings {
    func write(into w: inout JSONWriter) {
        w.objectStart()
        w.key("enabled"); w.bool(enabled)
        w.key("limit"); w.int(limit)
        w.key("window_seconds"); w.double(windowSeconds)
        w.objectEnd()
    }
}
