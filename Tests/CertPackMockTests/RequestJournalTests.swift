@testable import CertPackMock
import Dispatch
import HTTPServer
import Testing

@Suite struct RequestJournalTests {
    static let orderPath = "/zones/z/ssl/certificate_packs/order"

    /// Records one request the way the handler does.
    func record(_ journal: RequestJournal, method: String = "POST", target: String = orderPath, body: String = "{}",
                status: Int = 200, codes: [Int] = [], credential: String = "t", response: [UInt8] = [],
                version: HTTPVersion = .http11, tls: TLSConnectionInfo? = nil, time: Double = 0) {
        var request = HTTPRequest(method: method, target: target, version: version, body: Array(body.utf8))
        request.tls = tls
        journal.record(request, status: status, responseBody: response, errorCodes: codes, credential: credential,
                       time: time, durationMilliseconds: 0.1)
    }

    @Test func keepsTheNewestWithinItsCapacity() {
        let journal = RequestJournal(capacity: 10)
        for i in 1...100 { record(journal, body: "\(i)") }
        let kept = journal.entries()
        #expect(kept.map(\.sequence) == Array(91...100))
        #expect(kept.map(\.body) == (91...100).map { "\($0)" })
    }

    @Test func largeBodiesAreBoundedByBytes() {
        let journal = RequestJournal(capacity: 10_000, maxBytes: 1 << 20)
        let big = String(repeating: "x", count: 65_536)
        for _ in 0..<200 { record(journal, body: big) }
        #expect(journal.count() * 65_536 <= (1 << 20) + 65_536)
        #expect(journal.entries().last?.sequence == 200)
    }

    @Test func anEntryOverTheByteLimitIsStillKeptAsTheNewest() {
        let journal = RequestJournal(capacity: 10, maxBytes: 1_000)
        record(journal, body: "small")
        record(journal, body: String(repeating: "y", count: 5_000))
        #expect(journal.entries().map(\.sequence) == [2])
        #expect(journal.entries().first?.requestBody.count == 5_000)
    }

    @Test func everyFieldComesBackAsRecorded() throws {
        let journal = RequestJournal()
        let answer = Array(#"{"success":false,"errors":[{"code":1003}]}"#.utf8)
        record(journal, method: "PATCH", target: "/zones/z/ssl/certificate_packs/abc?x=1&y=é", body: #"{"a":"ü"}"#,
               status: 400, codes: [1003, 1450], credential: "ssl-edit-token", response: answer,
               tls: TLSConnectionInfo(version: "TLSv1.3", alpn: "h2"), time: 1_700_000_000.25)
        record(journal, method: "GET", target: "/zones/z/ssl/certificate_packs", body: "", credential: "none",
               version: .http10, tls: TLSConnectionInfo(version: "TLSv1.2", alpn: nil))
        record(journal, method: "GET", target: "/x", body: "", version: .http2)

        let first = try #require(journal.entry(sequence: 1))
        #expect(first.method == "PATCH")
        #expect(first.target == "/zones/z/ssl/certificate_packs/abc?x=1&y=é")
        #expect(first.path == "/zones/z/ssl/certificate_packs/abc" && first.query == "x=1&y=é")
        #expect(first.status == 400 && first.errorCodes == [1003, 1450])
        #expect(first.time == 1_700_000_000.25 && first.durationMilliseconds == 0.1)
        #expect(first.credential == "ssl-edit-token")
        #expect(first.body == #"{"a":"ü"}"#)
        #expect(first.responseBody == answer)
        #expect(first.protocolName == "HTTP/1.1")
        #expect(first.tls == TLSConnectionInfo(version: "TLSv1.3", alpn: "h2"))

        let second = try #require(journal.entry(sequence: 2))
        #expect(second.requestBody.isEmpty && second.responseBody.isEmpty && second.errorCodes.isEmpty)
        #expect(second.protocolName == "HTTP/1.0" && second.credential == "none")
        #expect(second.tls == TLSConnectionInfo(version: "TLSv1.2", alpn: nil))

        let third = try #require(journal.entry(sequence: 3))
        #expect(third.protocolName == "HTTP/2" && third.tls == nil)
    }

    @Test func bodiesAreCutAt64KiB() throws {
        let journal = RequestJournal()
        record(journal, body: String(repeating: "a", count: 70_000), response: Array(repeating: 98, count: 100_000))
        let entry = try #require(journal.entry(sequence: 1))
        #expect(entry.requestBody == Array(repeating: 97, count: 65_536))
        #expect(entry.responseBody == Array(repeating: 98, count: 65_536))
    }

    @Test func entriesReadBackIntactAcrossManyChunks() {
        // 64 KiB answers fill a 1 MiB chunk every 16 entries; the oldest chunks are given back as entries leave.
        let journal = RequestJournal(capacity: 50, maxBytes: 32 << 20)
        for i in 1...300 {
            record(journal, body: "\(i)", response: Array(repeating: UInt8(i % 256), count: 60_000 + i))
        }
        let kept = journal.entries()
        #expect(kept.map(\.sequence) == Array(251...300))
        #expect(kept.allSatisfy { $0.body == "\($0.sequence)" })
        #expect(kept.allSatisfy { $0.responseBody == Array(repeating: UInt8($0.sequence % 256), count: 60_000 + $0.sequence) })
    }

    @Test func anEntryLargerThanAChunkIsKept() throws {
        let journal = RequestJournal()
        let target = "/" + String(repeating: "t", count: RequestJournalArena.chunkSize)
        record(journal, body: "before")
        record(journal, target: target, body: String(repeating: "b", count: 65_536))
        record(journal, body: "after")
        #expect(journal.entries().map(\.body.count) == [6, 65_536, 5])
        #expect(try #require(journal.entry(sequence: 2)).target == target)
    }

    @Test func findsAnEntryBySequenceUntilItIsTrimmedOrCleared() {
        let journal = RequestJournal(capacity: 3)
        for i in 1...5 { record(journal, body: "\(i)") }
        #expect(journal.entry(sequence: 2) == nil)
        #expect(journal.entry(sequence: 4)?.body == "4")
        #expect(journal.entry(sequence: 6) == nil)
        journal.clear()
        #expect(journal.count() == 0 && journal.entry(sequence: 5) == nil && journal.lastSequence == 5)
        record(journal, body: "6")
        #expect(journal.entries().map(\.sequence) == [6])
        #expect(journal.entry(sequence: 6)?.body == "6")
    }

    @Test func filtersByGlobStatusAndLimit() {
        let journal = RequestJournal()
        record(journal)
        record(journal, target: "/zones/z/ssl/certificate_packs/quota", status: 403)
        #expect(journal.count(matching: .init(path: "*/quota")) == 1)
        #expect(journal.count(matching: .init(method: "post", status: 403)) == 1)
        #expect(journal.entries(limit: 1).map(\.sequence) == [2])
        #expect(Glob.matches("/zones/*/order", "/zones/abc/ssl/certificate_packs/order"))
        #expect(!Glob.matches("/zones/*/order", "/zones/abc/ssl/certificate_packs/quota"))
    }

    @Test func filtersByErrorCodeAndMatchPathsWithoutTheQuery() {
        let journal = RequestJournal()
        record(journal, target: "/zones/z/ssl/certificate_packs?status=all", status: 200)
        record(journal, status: 400, codes: [1003, 1450])
        record(journal, method: "GET", target: "/zones/z/ssl/certificate_packs/quota", status: 429, codes: [971])
        #expect(journal.entries(matching: .init(errorCode: 1450)).map(\.sequence) == [2])
        #expect(journal.count(matching: .init(errorCode: 9999)) == 0)
        #expect(journal.entries(matching: .init(path: "*/certificate_packs")).map(\.sequence) == [1])
        #expect(journal.entries(matching: .init(path: "*status*")).isEmpty)
        #expect(journal.entries(matching: .init(method: "get")).map(\.sequence) == [3])
        #expect(journal.entries(matching: .init(method: "POST"), limit: 1).map(\.sequence) == [2])
        #expect(journal.entries(limit: 0).isEmpty && journal.entries(limit: -1).isEmpty)
        #expect(journal.entries(limit: 10).map(\.sequence) == [1, 2, 3])
    }

    @Test func anOffJournalKeepsNothing() {
        let journal = RequestJournal(capacity: 0)
        record(journal)
        #expect(journal.count() == 0 && journal.lastSequence == 0 && journal.entries().isEmpty)
    }

    @Test func concurrentRecordsAreAllKeptWhole() {
        let journal = RequestJournal(capacity: 10_000)
        DispatchQueue.concurrentPerform(iterations: 2) { queue in
            for i in 0..<500 {
                record(journal, target: "/q/\(queue)-\(i)", body: "\(queue)-\(i)", response: Array("\(queue)-\(i)".utf8))
            }
        }
        let kept = journal.entries()
        #expect(kept.map(\.sequence) == Array(1...1000))
        #expect(Set(kept.map(\.body)).count == 1000)
        #expect(kept.allSatisfy { $0.responseBody == $0.requestBody && $0.target == "/q/" + $0.body })
    }

    @Test func pathAndQueryAreReadFromTheTarget() {
        func entry(_ target: String, body: String = "{}") -> RequestJournal.Entry {
            RequestJournal.Entry(sequence: 1, time: 0, method: "POST", target: target, status: 200, errorCodes: [],
                                 durationMilliseconds: 0.1, credential: "t", requestBody: Array(body.utf8))
        }
        #expect(entry("/zones/z/ssl/certificate_packs?status=all&page=2").path == "/zones/z/ssl/certificate_packs")
        #expect(entry("/zones/z/ssl/certificate_packs?status=all&page=2").query == "status=all&page=2")
        #expect(entry("/zones/z/ssl/certificate_packs?").query == "")
        #expect(entry("/zones/z/ssl/certificate_packs").query == nil)
        #expect(entry("/", body: "{\"hosts\":[]}").body == "{\"hosts\":[]}")
    }
}
