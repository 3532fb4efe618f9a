import CertPackMock
import Foundation
import Testing

@Suite struct FixturesTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func bundledFilesEqualTheBuiltInFixtures() throws {
        let loaded = try Fixtures.load(directory: Self.repository.appendingPathComponent("fixtures").path)
        #expect(loaded == Fixtures.builtIn)
    }

    @Test func brokenFixturesNameFileEntryAndField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try #"[{"id":"023e105f4ecef8ad9ca31a8372d0c353","name":"example.com"},{"id":"nothex","name":"b.com"}]"#
            .write(to: dir.appendingPathComponent("zones.json"), atomically: true, encoding: .utf8)
        try "[]".write(to: dir.appendingPathComponent("credentials.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: FixtureError.self) { try Fixtures.load(directory: dir.path) }
        #expect(error?.description.contains("zones.json: entry 2: field 'id': must be 32 lowercase hex characters, found 'nothex'") == true)

        try #"[{"id":"023e105f4ecef8ad9ca31a8372d0c353","name":"example.com"}]"#.write(to: dir.appendingPathComponent("zones.json"), atomically: true, encoding: .utf8)
        try ##"[{"name":"t","token":"abc","permissions":["#ssl:write"]}]"##.write(to: dir.appendingPathComponent("credentials.json"), atomically: true, encoding: .utf8)
        let permission = #expect(throws: FixtureError.self) { try Fixtures.load(directory: dir.path) }
        #expect(permission?.description.contains("credentials.json: entry 1: field 'permissions': '#ssl:write' is not one of #ssl:read, #ssl:edit") == true)

        try "[{".write(to: dir.appendingPathComponent("credentials.json"), atomically: true, encoding: .utf8)
        let syntax = #expect(throws: FixtureError.self) { try Fixtures.load(directory: dir.path) }
        #expect(syntax?.description.contains("credentials.json: not valid JSON at byte") == true)
    }
}
