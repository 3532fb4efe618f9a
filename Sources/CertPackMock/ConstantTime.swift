/// Comparison whose time does not depend on where two secrets first differ.
enum ConstantTime {
    static func equals(_ expected: [UInt8], _ presented: UnsafeBufferPointer<UInt8>) -> Bool {
        var diff = UInt8(expected.count == presented.count ? 0 : 1)
        for i in 0..<presented.count {
            diff |= presented[i] ^ (i < expected.count ? expected[i] : 0)
        }
        return diff == 0
    }
}
