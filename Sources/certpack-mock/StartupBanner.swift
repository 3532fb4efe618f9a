import CertPackMock
import Logging

/// The start-up lines: where the mock listens, which zones exist, which credentials work.
struct StartupBanner {
    let mock: MockServer
    let fixtures: Fixtures

    func log(to logger: Logger) {
        let urls = mock.boundAddresses.map { "http://" + $0 }
        logger.notice("certpack-mock listening on \(urls.joined(separator: " and ")); SDK base URL \(mock.baseURL.absoluteString)",
                      metadata: ["port": .stringConvertible(mock.port)])
        for zone in fixtures.zones {
            let acm = zone.advancedCertificateManager ? "ACM" : "no ACM (orders get 1450)"
            logger.notice("zone \(zone.name) \(zone.id) (\(acm), \(zone.enterprise ? "Enterprise" : "not Enterprise"), quota \(zone.quotaAllocated))")
        }
        // Fixture credentials are public test values (also in the README), printed so a newcomer can copy them.
        for credential in fixtures.credentials {
            let scope = credential.zones.map { $0.sorted().joined(separator: ",") } ?? "all zones"
            let perms = credential.permissions.map(\.rawValue).sorted().joined(separator: "+")
            switch credential.secret {
            case .apiToken(let token):
                logger.notice("credential \(credential.name): Authorization: Bearer \(token) (\(perms), \(scope))")
            case .globalKey(let email, let key):
                logger.notice("credential \(credential.name): X-Auth-Email: \(email) X-Auth-Key: \(key) (\(perms), \(scope))")
            }
        }
        logger.notice("test controls under \(mock.baseURL.absoluteString.dropLast("/client/v4".count))/__mock/ (health, reset, clock, lifecycle, requests, faults, zones, credentials, state)")
        logger.notice("dashboard: open \(mock.baseURL.absoluteString.dropLast("/client/v4".count))/__mock/ in a browser")
        if let persistence = mock.persistence {
            logger.notice("state kept in \(persistence.path) (\(mock.service.packCount) packs, \(mock.service.allZones.count) zones now)")
        }
    }
}
