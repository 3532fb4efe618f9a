@testable import CertPackMock
import Testing

@Suite struct ConstantTimeTests {
    private func equals(_ expected: String, _ presented: String) -> Bool {
        Array(presented.utf8).withUnsafeBufferPointer { ConstantTime.equals(Array(expected.utf8), $0) }
    }

    @Test func equalSecretsMatch() {
        #expect(equals("certpackmock-ssl-edit-000000000000000000", "certpackmock-ssl-edit-000000000000000000"))
        #expect(equals("", ""))
        #expect(equals("short", "short"))
    }

    @Test func aDifferenceAnywhereIsSeen() {
        let secret = "certpackmock-ssl-edit-000000000000000000"
        for position in 0..<secret.utf8.count {
            var bytes = Array(secret.utf8)
            bytes[position] ^= 0x01
            #expect(!equals(secret, String(decoding: bytes, as: UTF8.self)), "byte \(position)")
        }
    }

    @Test func prefixesAndExtensionsDoNotMatch() {
        #expect(!equals("certpackmock-ssl-edit-0000", "certpackmock-ssl-edit-000"))
        #expect(!equals("certpackmock-ssl-edit-000", "certpackmock-ssl-edit-0000"))
        #expect(!equals("abc", "abc\u{0}"))
        #expect(!equals("", "a"))
        #expect(!equals("a", ""))
    }
}
