/// Numbers written as ASCII text straight into a byte buffer, without a String in between:
/// status lines, Content-Length, JSON and log lines each write several per request. And
/// read back from the kernel's text (/proc).
extension ASCII {
    /// The value of `digits` as unsigned decimal ("42"); nil when empty, when any byte is not
    /// a digit, or past 19 digits (which could overflow).
    @inlinable
    package static func unsignedDecimal(_ digits: some Collection<UInt8>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard isDigit(byte) else { return nil }
            value = value * 10 + UInt64(digitValue(byte))
        }
        return value
    }

    /// Calls `body` with `value` in decimal ("-12", "0", "404"), formatted on the stack.
    @inlinable
    package static func withDecimal<R>(_ value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        // Digits come out lowest first: write them from the end. 20 bytes hold Int.min.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value.magnitude
            var start = 20
            repeat {
                let (quotient, digit) = remaining.quotientAndRemainder(dividingBy: 10)
                start -= 1
                digits[start] = decimalDigit(UInt8(truncatingIfNeeded: digit))
                remaining = quotient
            } while remaining > 0
            if value < 0 {
                start -= 1
                digits[start] = UInt8(ascii: "-")
            }
            return body(UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Appends `value` in decimal ("-12", "0", "404").
    @inlinable
    package static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        withDecimal(value) { out.append(contentsOf: $0) }
    }

    /// Appends `value` rounded to exactly `places` decimals ("1.50", "0.04", "-0.5"), as log
    /// lines write durations (String(format:) needs all of Foundation).
    @inlinable
    package static func appendFixed(_ value: Double, places: Int, to out: inout [UInt8]) {
        withFixed(value, places: places) { out.append(contentsOf: $0) }
    }

    /// Calls `body` with `value` rounded to exactly `places` (0...18) decimals, formatted on the stack.
    @inlinable
    package static func withFixed<R>(_ value: Double, places: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value.magnitude * Double(scale)).rounded())
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 44) { text in
            var w = ByteWriter(text)
            if value < 0 && scaled != 0 { w.put(UInt8(ascii: "-")) }
            w.putDecimal(scaled / scale)
            if places > 0 {
                w.put(UInt8(ascii: "."))
                // The fraction with its leading zeros: the digits of scale + fraction, less the leading 1.
                withDecimal(scale + scaled % scale) { w.put(UnsafeBufferPointer(rebasing: $0.dropFirst())) }
            }
            return body(w.written)
        }
    }
}
