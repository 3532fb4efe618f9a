import CertificatePacks
import StrictJSON

extension MockState {
    /// `GET /__mock/state`: clock, zones, packs with their computed status and scenario, rules.
    func writeDump(into w: inout JSONWriter) {
        let packs = service.snapshotAll()
        w.objectStart()
        w.key("clock"); w.objectStart()
        w.key("now"); Timestamp.write(clock.now(), into: &w)
        w.key("mode"); w.string(clock.mode.rawValue)
        w.objectEnd()
        w.key("lifecycle_mode"); w.string(service.lifecycleMode.rawValue)
        w.key("zones"); w.arrayStart()
        for zone in service.allZones { zone.write(quota: service.quota(zoneID: zone.id), into: &w) }
        w.arrayEnd()
        w.key("packs"); w.arrayStart()
        for p in packs {
            w.objectStart()
            w.key("zone_id"); w.string(p.pack.zoneID)
            w.key("scenario"); w.string(p.pack.scenario.rawValue)
            w.key("attempt"); w.int(p.pack.timeline.attempt)
            w.key("forced_status"); if let f = p.pack.timeline.forcedStatus { w.string(f.rawValue) } else { w.null() }
            w.key("pack"); p.write(into: &w)
            w.objectEnd()
        }
        w.arrayEnd()
        w.key("faults"); w.arrayStart()
        for rule in faults.all { rule.write(into: &w) }
        w.arrayEnd()
        w.key("journal_entries"); w.int(journal.count())
        w.objectEnd()
    }
}
