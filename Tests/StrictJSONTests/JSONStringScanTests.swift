import StrictJSON
import Testing

/// Strings are scanned 8 bytes at a time while 8 remain, then byte by byte: every byte that
/// ends or interrupts plain text must be found wherever it falls in a word, at any alignment,
/// by `parse` and by the member reader alike.
@Suite struct JSONStringScanTests {
    enum Outcome {
        /// The string reads with the special bytes decoded to this.
        case decoded(String)
        /// Refused at the special bytes' offset plus `shift`.
        case refused(JSONParseError.Reason, shift: Int = 0)
    }

    static let specials: [(bytes: [UInt8], outcome: Outcome)] = [
        ([0x7F], .decoded("\u{7F}")),
        ([0x20], .decoded(" ")),
        ([0xC3, 0xA9], .decoded("é")),
        ([0xE2, 0x82, 0xAC], .decoded("€")),
        ([0xF0, 0x9F, 0x98, 0x80], .decoded("😀")),
        (Array(#"\""#.utf8), .decoded("\"")),
        (Array(#"\\"#.utf8), .decoded("\\")),
        (Array(#"\n"#.utf8), .decoded("\n")),
        (Array(#"\u00e9"#.utf8), .decoded("é")),
        ([0x00], .refused(.controlCharacterInString)),
        ([0x0A], .refused(.controlCharacterInString)),
        ([0x1F], .refused(.controlCharacterInString)),
        ([0xFF], .refused(.invalidUTF8)),
        ([0x80], .refused(.invalidUTF8)),
        ([0xC0, 0x80], .refused(.invalidUTF8)),
        ([0xED, 0xA0, 0x80], .refused(.invalidUTF8)),
        ([0xC3], .refused(.invalidUTF8)),
        // An unescaped quote ends the string: what follows is trailing.
        ([0x22], .refused(.trailingCharacters, shift: 1)),
    ]

    @Test func everySpecialByteIsFoundAtEveryOffsetAndAlignment() {
        let members = JSONMemberReaderTests()
        for (special, outcome) in Self.specials {
            for indent in 0..<8 {
                for before in 0..<18 {
                    for after in [0, 1, 7, 8, 9] {
                        let head = String(repeating: "a", count: before), tail = String(repeating: "b", count: after)
                        let string = [0x22] + Array(head.utf8) + special + Array(tail.utf8) + [0x22]
                        let document = Array(repeating: 0x20, count: indent) + string
                        switch outcome {
                        case .decoded(let text):
                            #expect(ours(document) == .success(.string(head + text + tail)))
                        case .refused(let reason, let shift):
                            #expect(ours(document) == .failure(JSONParseError(offset: indent + 1 + before + shift, reason: reason)))
                        }
                        // The same string as a key and as a value, before and after the escape-free fast path.
                        members.expectAgreement(Array(#"{"k":"#.utf8) + document + Array(#","x":1}"#.utf8))
                        members.expectAgreement([0x7B] + document + Array(#":"v"}"#.utf8))
                    }
                }
            }
        }
    }

    @Test func anUnterminatedStringEndsAtTheEndOfInput() {
        for length in 0..<20 {
            let document = [0x22] + Array(String(repeating: "a", count: length).utf8)
            #expect(ours(document) == .failure(JSONParseError(offset: document.count, reason: .unexpectedEndOfInput)))
            JSONMemberReaderTests().expectAgreement(Array(#"{"k":"#.utf8) + document)
        }
    }
}
