@testable import CertificatePacks
import Testing

/// An order's hosts kept as one joined string, and the validator's in-place builder.
@Suite struct HostListTests {
    @Test func joinsAndSplitsBackSkippingEmptyEntries() {
        let hosts = ["example.com", "*.example.com", "a-much-longer-name.example.com"]
        #expect(HostList(hosts).names == hosts)
        #expect(HostList(hosts).joined == hosts.joined(separator: ","))
        #expect(HostList(["", "a.b", ""]).names == ["a.b"])
        #expect(HostList([]).names.isEmpty)
    }

    @Test func builderLowersTakesBackAndFindsRepeats() {
        let list = HostList.build(capacity: 64) { b in
            func append(_ host: String, lowercasing: Bool = false) {
                var host = host
                host.withUTF8 { b.append($0, lowercasing: lowercasing) }
            }
            append("Example.COM", lowercasing: true)
            // Read into values first: #expect cannot take the non-copyable builder.
            let lowered = String(decoding: b.last, as: UTF8.self)
            #expect(lowered == "example.com")
            var repeats = [b.lastIsRepeated()]
            append("www.example.com")
            repeats.append(b.lastIsRepeated())
            append("example.com")
            repeats.append(b.lastIsRepeated())
            b.removeLast()
            append("x.example.com")
            b.removeLast()
            append("*.example.com")
            repeats.append(b.lastIsRepeated())
            #expect(repeats == [false, false, true, false])
        }
        #expect(list.names == ["example.com", "www.example.com", "*.example.com"])
        let emptied = HostList.build(capacity: 16) { b in
            var host = "a.b"
            host.withUTF8 { b.append($0, lowercasing: false) }
            b.removeLast()
            let isEmpty = b.isEmpty
            #expect(isEmpty)
        }
        #expect(emptied.names.isEmpty && emptied.joined.isEmpty)
    }

    @Test func ordersKeepTheirHostsThroughTheStore() throws {
        let service = CertificatePackService(clock: VirtualClock())
        service.addZone(Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com"))
        let order = try OrderValidator().validate(OrderDraft(
            type: .value("advanced"), hosts: .value([.name("Example.com"), .name("*.EXAMPLE.com"), .name("validation-timeout.example.com")]),
            validationMethod: .value("txt"), certificateAuthority: .value("lets_encrypt"), validityDays: .value(.integer(90))),
            zone: Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "example.com")).get()
        let snapshot = try service.order(order, zoneID: "023e105f4ecef8ad9ca31a8372d0c353")
        #expect(snapshot.pack.hosts == ["example.com", "*.example.com", "validation-timeout.example.com"])
        #expect(snapshot.pack.scenario == .validationTimeout)
        #expect(service.read(snapshot.pack.id, zoneID: "023e105f4ecef8ad9ca31a8372d0c353")?.pack == snapshot.pack)
    }
}
