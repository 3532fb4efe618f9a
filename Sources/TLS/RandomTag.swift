import COpenSSL

/// Random bytes from OpenSSL's generator, for names that must differ between CAs.
enum RandomTag {
    static func fill(_ bytes: inout [UInt8]) -> Bool {
        RAND_bytes(&bytes, Int32(bytes.count)) == 1
    }
}
