import CertPackMock
import Testing
import TestSupport

/// Hostile input through the whole stack, in process (the binary gets the same and more
/// in Tests/reliability).
@Suite struct HostileInputTests {
    @Test func absoluteFormTargetIsRoutedByItsPath() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let target = "http://127.0.0.1:\(mock.port)\(TestCredentials.orderPath)"
        let response = try client.request("POST", target, headers: TestCredentials.edit.merging(TestCredentials.json) { a, _ in a }, body: TestCredentials.seedOrder)
        #expect(response.status == 200)
        let id = try #require(response.result?["id"] as? String)
        let read = try client.request("GET", "HTTP://localhost/zones/\(TestCredentials.zone)/ssl/certificate_packs/\(id)", headers: TestCredentials.edit)
        #expect(read.status == 200)
        #expect(mock.journal.count(matching: .init(method: "POST", path: TestCredentials.orderPath)) == 1)
    }

    @Test func absoluteFormWithUserinfoIs400With1498() throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        let response = try client.request("GET", "http://user:secret@127.0.0.1/__mock/health")
        #expect(response.status == 400)
        #expect(response.errorCodes == [1498])
        #expect(!response.text.contains("secret"))
    }

    @Test(arguments: [10_000, 100_000])
    func deeplyNestedJSONIs6007WithoutOverflowingTheStack(_ depth: Int) throws {
        let mock = try startMock()
        defer { mock.stop() }
        let client = try TestClient(port: mock.port)
        for body in [String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
                     String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)] {
            let response = try client.request("POST", TestCredentials.orderPath, headers: TestCredentials.edit.merging(TestCredentials.json) { a, _ in a }, body: body)
            #expect(response.status == 400)
            #expect(response.errorCodes == [6007])
        }
        let health = try client.request("GET", "/__mock/health")
        #expect(health.status == 200)
    }
}
