@testable import CertPackMock
import Testing

/// Request log durations, formatted without Foundation's String(format:).
@Suite struct DurationFormattingTests {
    @Test func fixedDecimalsRoundAndPad() {
        #expect(RequestLogLine.fixed(0, places: 2) == "0.00")
        #expect(RequestLogLine.fixed(1.005, places: 3) == "1.005")
        #expect(RequestLogLine.fixed(0.0449, places: 2) == "0.04")
        #expect(RequestLogLine.fixed(0.045001, places: 2) == "0.05")
        #expect(RequestLogLine.fixed(12.3, places: 3) == "12.300")
        #expect(RequestLogLine.fixed(9.9999, places: 2) == "10.00")
        #expect(RequestLogLine.fixed(1234.25, places: 0) == "1234")
        #expect(RequestLogLine.fixed(-0.5, places: 1) == "-0.5")
    }
}
