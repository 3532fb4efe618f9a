import Foundation
import Testing
@testable import HTTPServer

@Suite struct HTTPDateCacheTests {
    @Test func formatsIMFFixdate() {
        // RFC 9110 §5.6.7's own example.
        #expect(String(decoding: HTTPDateCache.format(784_111_777), as: UTF8.self) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(String(decoding: HTTPDateCache.format(0), as: UTF8.self) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(String(decoding: HTTPDateCache.format(1_709_164_800), as: UTF8.self) == "Thu, 29 Feb 2024 00:00:00 GMT")
    }

    @Test func currentMatchesFoundation() {
        var cache = HTTPDateCache()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let before = formatter.string(from: Date())
        let ours = String(decoding: cache.current(), as: UTF8.self)
        let after = formatter.string(from: Date())
        #expect(ours == before || ours == after)
    }
}
