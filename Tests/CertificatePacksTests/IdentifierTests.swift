import Foundation
import CertificatePacks
import Testing

/// The byte-level syntax checks behind every route, order and lookup.
@Suite struct IdentifierTests {
    let hex = "023e105f4ecef8ad9ca31a8372d0c353"
    let uuid = "3f2b1c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"

    @Test func hex32AndUUIDAcceptOnlyLowercaseHexInTheirShape() {
        #expect(Identifier.isHex32(hex))
        #expect(Identifier.isHex32(("/" + hex + "/").dropFirst().dropLast()))  // a Substring of a path
        #expect(!Identifier.isHex32(hex.uppercased()))
        #expect(!Identifier.isHex32(String(hex.dropLast())))
        #expect(!Identifier.isHex32(hex + "0"))
        #expect(!Identifier.isHex32(String(hex.dropLast()) + "g"))
        #expect(!Identifier.isHex32(String(hex.dropLast(2)) + "é"))  // 32 bytes, not hex
        #expect(Identifier.isUUID(uuid))
        #expect(!Identifier.isUUID(uuid.replacingOccurrences(of: "-", with: "_")))
        #expect(!Identifier.isUUID(String(uuid.dropFirst()) + "0"))  // a dash out of place
        #expect(Identifier.isPackID(hex) && Identifier.isPackID(uuid) && !Identifier.isPackID(""))
    }

    @Test func hex32ChecksEveryByteOfEveryWord() {
        // Each byte value at the first and last place of each eight-byte word, against the
        // byte-by-byte definition.
        let valid = Array(hex.utf8)
        for place in [0, 7, 8, 15, 16, 23, 24, 31] {
            for byte in UInt8.min...UInt8.max {
                var bytes = valid
                bytes[place] = byte
                let expected = (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
                #expect(bytes.withUnsafeBufferPointer(Identifier.isHex32(utf8:)) == expected, "\(byte) at \(place)")
            }
        }
    }

    @Test func packIDTextHasEveryDigitInPlace() throws {
        // Digit k of an id made of distinct nibbles shows where each one was written.
        let id = PackID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210, isUUID: false)
        #expect(id.text == "0123456789abcdeffedcba9876543210")
        var uuid = id
        uuid.isUUID = true
        #expect(uuid.text == "01234567-89ab-cdef-fedc-ba9876543210")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let drawn = PackID(high: random.next(), low: random.next(), isUUID: Bool.random())
            #expect(PackID(drawn.text) == drawn)
            #expect(drawn.text == (drawn.isUUID ? UUIDText(drawn) : String(format: "%016llx%016llx", drawn.high, drawn.low)))
        }
    }

    private func UUIDText(_ id: PackID) -> String {
        let plain = String(format: "%016llx%016llx", id.high, id.low)
        var text = ""
        for (k, c) in plain.enumerated() {
            if [8, 12, 16, 20].contains(k) { text += "-" }
            text.append(c)
        }
        return text
    }

    @Test func packIDParsesBothFormsToTheSameBitsAndPrintsThemBack() throws {
        let fromHex = try #require(PackID(hex))
        #expect(fromHex.text == hex && !fromHex.isUUID)
        #expect(fromHex.high == 0x023e_105f_4ece_f8ad && fromHex.low == 0x9ca3_1a83_72d0_c353)
        let fromUUID = try #require(PackID(uuid[...]))
        #expect(fromUUID.text == uuid && fromUUID.isUUID)
        #expect(PackID(uuid.replacingOccurrences(of: "-", with: ""))?.high == fromUUID.high)
        for bad in ["", hex.uppercased(), hex + "0", "-" + String(hex.dropFirst()), String(uuid.dropLast()) + "-",
                    "3f2b1c4d5-e6f-4a1b-8c2d-3e4f5a6b7c8d"] {
            #expect(PackID(bad) == nil, "\(bad)")
        }
    }

    @Test func hostnamesFollowRFC1123WithOneLeadingWildcard() {
        for good in ["example.com", "*.example.com", "a-b.c_d.example.com", "x.y", String(repeating: "a", count: 63) + ".com"] {
            #expect(Hostname.isValid(good), "\(good)")
        }
        for bad in ["", "com", "example..com", ".example.com", "example.com.", "-a.example.com", "a-.example.com",
                    "a.*.example.com", "**.example.com", "ex ample.com", "exämple.com", "Example.com",
                    String(repeating: "a", count: 64) + ".com", String(repeating: "a.", count: 127) + "com"] {
            #expect(!Hostname.isValid(bad), "\(bad)")
        }
    }

    @Test func hostsAreInAZoneByWholeLabels() {
        for inside in ["example.com", "www.example.com", "*.example.com", "a.b.example.com"] {
            #expect(Hostname.host(inside, isIn: "example.com"), "\(inside)")
        }
        for outside in ["notexample.com", "xample.com", "example.co", "com", "example.com.net", "wwwexample.com"] {
            #expect(!Hostname.host(outside, isIn: "example.com"), "\(outside)")
        }
    }

    @Test func hostnamesAreLoweredInASCIIOnly() {
        #expect(Hostname.lowercased("WWW.Example.COM") == "www.example.com")
        let plain = "www.example.com"
        #expect(Hostname.lowercased(plain) == plain)
        // The Kelvin sign lowercases to "k" in Unicode; kept, it is refused as it should be.
        let kelvin = "\u{212A}.example.com"
        #expect(Hostname.lowercased(kelvin) == kelvin && !Hostname.isValid(Hostname.lowercased(kelvin)))
        // Zone names are lowered the same way.
        #expect(Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: "EXAMPLE.com").name == "example.com")
        #expect(Zone(id: "023e105f4ecef8ad9ca31a8372d0c353", name: kelvin).name == kelvin)
    }

    @Test func unseededGeneratorsStillGiveDistinctIDs() {
        var generator = IDGenerator(seed: nil)
        var seen = Set<PackID>()
        for _ in 0..<10_000 { seen.insert(generator.packID(.hex32)) }
        #expect(seen.count == 10_000)
        // Each unseeded generator starts at its own random point (a clash is a 1 in 2^64 event).
        var first = IDGenerator(seed: nil), second = IDGenerator(seed: nil)
        #expect(first.packID(.hex32) != second.packID(.hex32))
    }
}
