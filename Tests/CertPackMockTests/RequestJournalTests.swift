@testable import CertPackMock
import Testing

@Suite struct RequestJournalTests {
    func entry(_ sequence: Int, body: String = "{}", path: String = "/zones/z/ssl/certificate_packs/order", status: Int = 200) -> RequestJournal.Entry {
        RequestJournal.Entry(sequence: sequence, time: 0, method: "POST", target: path, status: status, errorCodes: [],
                             durationMilliseconds: 0.1, credential: "t", requestBody: Array(body.utf8))
    }

    @Test func keepsTheNewestWithinItsCapacity() {
        let journal = RequestJournal(capacity: 10)
        for _ in 0..<100 { journal.record { entry($0) } }
        let kept = journal.entries()
        #expect(kept.count <= 10 && kept.count >= 9)
        #expect(kept.last?.sequence == 100)
    }

    @Test func largeBodiesAreBoundedByBytes() {
        let journal = RequestJournal(capacity: 10_000, maxBytes: 1 << 20)
        let big = String(repeating: "x", count: 65_536)
        for _ in 0..<200 { journal.record { entry($0, body: big) } }
        #expect(journal.count() * 65_536 <= (1 << 20) + 65_536)
        #expect(journal.entries().last?.sequence == 200)
    }

    @Test func filtersByGlobStatusAndLimit() {
        let journal = RequestJournal()
        journal.record { entry($0) }
        journal.record { entry($0, path: "/zones/z/ssl/certificate_packs/quota", status: 403) }
        #expect(journal.count(matching: .init(path: "*/quota")) == 1)
        #expect(journal.count(matching: .init(method: "post", status: 403)) == 1)
        #expect(journal.entries(limit: 1).map(\.sequence) == [2])
        #expect(Glob.matches("/zones/*/order", "/zones/abc/ssl/certificate_packs/order"))
        #expect(!Glob.matches("/zones/*/order", "/zones/abc/ssl/certificate_packs/quota"))
    }

    @Test func pathAndQueryAreReadFromTheTarget() {
        #expect(entry(1, path: "/zones/z/ssl/certificate_packs?status=all&page=2").path == "/zones/z/ssl/certificate_packs")
        #expect(entry(1, path: "/zones/z/ssl/certificate_packs?status=all&page=2").query == "status=all&page=2")
        #expect(entry(1, path: "/zones/z/ssl/certificate_packs?").query == "")
        #expect(entry(1, path: "/zones/z/ssl/certificate_packs").query == nil)
        #expect(entry(1, body: "{\"hosts\":[]}").body == "{\"hosts\":[]}")
    }
}
