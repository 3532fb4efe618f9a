/// Comparison whose time does not depend on where two secrets first differ.
enum ConstantTime {
    static func equals(_ expected: [UInt8], _ presented: UnsafeBufferPointer<UInt8>) -> Bool {
        expected.withUnsafeBufferPointer { expected in
            var diff: UInt64 = expected.count == presented.count ? 0 : 1
            let common = min(expected.count, presented.count)
            var i = 0
            // Eight bytes per step, every step the same work: a token is compared with every
            // credential on every request.
            if let e = expected.baseAddress, let p = presented.baseAddress {
                while i + 8 <= common {
                    diff |= UnsafeRawPointer(e + i).loadUnaligned(as: UInt64.self) ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                    i += 8
                }
            }
            while i < common {
                diff |= UInt64(expected[i] ^ presented[i])
                i += 1
            }
            // Bytes past the expected secret still cost a step each.
            while i < presented.count {
                diff |= UInt64(presented[i]) | 1
                i += 1
            }
            return diff == 0
        }
    }
}
