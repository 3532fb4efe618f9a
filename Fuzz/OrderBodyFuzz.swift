// libFuzzer target for the order body path: StrictJSON's reader, the API layer's
// JSON-to-draft reading, then `OrderValidator.validate` against a zone, as
// `POST .../certificate_packs/order` does. Compiled into the CertificatePacks module
// together with Sources/CertPackMock/OrderDraft+JSON.swift (Fuzz/run.sh).
//
// Oracle, beyond "no crash, no leak, no hang":
// - a document that parses serialises to bytes that parse back to the same value;
// - the validator's verdict and problems do not depend on the CA-rules switch in
//   the wrong direction (rules only ever add problems);
// - an accepted order keeps every documented promise: 1 to 50 valid, distinct,
//   lowercase hosts inside the zone, the apex among them, an offered validity;
// - every problem renders a message and a JSON pointer;
// - the API's reading straight from the bytes (`validate(body:zone:)`, no tree) reaches
//   the tree's verdict, and refuses exactly the bodies the tree reader refuses, with the
//   same error.
import StrictJSON

private let enterprise = Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com", enterprise: true)
private let standard = Zone(id: "9a7806061c88ada191ed06f989cc3dac", name: "example.net", enterprise: false)

private func check(_ value: JSONValue, body: [UInt8], zone: Zone, rules: Bool) -> [OrderProblem] {
    let validator = OrderValidator(enforceAuthorityRules: rules)
    let verdict = validator.validate(json: value, zone: zone)
    guard let streamed = try? validator.validate(body: body, zone: zone) else { fatalError("only the streamed reading refused the body") }
    if streamed != verdict { fatalError("readings differ: tree \(verdict), streamed \(streamed)") }
    switch verdict {
    case .failure(let rejection):
        if rejection.problems.isEmpty { fatalError("rejection without a problem") }
        for problem in rejection.problems {
            if problem.message.isEmpty { fatalError("empty message for \(problem)") }
            if !problem.pointer.isEmpty, !problem.pointer.hasPrefix("/") { fatalError("bad pointer \(problem.pointer)") }
        }
        return rejection.problems
    case .success(let order):
        let hosts = order.hosts
        if hosts.isEmpty || hosts.count > OrderValidator.maxHosts { fatalError("accepted \(hosts.count) hosts") }
        if Set(hosts).count != hosts.count { fatalError("accepted duplicate hosts \(hosts)") }
        if !hosts.contains(zone.name) { fatalError("accepted hosts without the apex: \(hosts)") }
        for host in hosts {
            if host != host.lowercased() { fatalError("host not lowercased: \(host)") }
            if !Hostname.isValid(host) || !Hostname.host(host, isIn: zone.name) { fatalError("accepted bad host \(host)") }
        }
        if rules {
            if !order.certificateAuthority.validityDays.contains(order.validityDays) { fatalError("accepted \(order.validityDays) days for \(order.certificateAuthority)") }
            if order.validityDays == 365 && !zone.enterprise { fatalError("accepted 365 days outside Enterprise") }
        }
        return []
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOrderBody(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size), body = Array(bytes)
    let value: JSONValue
    do {
        value = try JSONReader.parse(bytes)
    } catch {
        do throws(JSONParseError) {
            _ = try OrderValidator().validate(body: body, zone: enterprise)
        } catch let streamed {
            if streamed != error { fatalError("refused with \(streamed), the tree reader with \(error)") }
            return 0
        }
        fatalError("only the tree reader refused: \(error)")
    }
    let text = value.serialized()
    guard let again = try? JSONReader.parse(text) else { fatalError("own output does not parse: \(String(decoding: text, as: UTF8.self))") }
    if again != value { fatalError("round trip changed the value") }
    for zone in [enterprise, standard] {
        let strict = check(value, body: body, zone: zone, rules: true)
        let lenient = check(value, body: body, zone: zone, rules: false)
        if strict.isEmpty != lenient.isEmpty, strict.isEmpty { fatalError("CA rules removed a problem: \(lenient)") }
        for problem in lenient where !strict.contains(problem) { fatalError("CA rules removed \(problem)") }
    }
    return 0
}
