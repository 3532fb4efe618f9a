import ASCIIBytes

/// Header fields in order; names compare case-insensitively (RFC 9110 §5.1).
///
/// The fields are kept as bytes, the way they arrived, and a String is made only for a
/// value somebody asks for: a request is read by a few lookups, and making Strings of
/// every field at parse time cost more than the lookups themselves. Each field is one
/// record in a single buffer (name length, value length, name bytes, value bytes), so a
/// lookup skips most fields on their name's length alone and a request's headers are
/// one allocation.
package struct HTTPHeaders: Sendable, Sequence {
    /// The records in `storage[..<used]`, then zeros: room that a field is written into
    /// in place, where an Array append per field would cost more than copying the field.
    private var storage: [UInt8] = []
    private var used = 0

    private static let lengthSize = MemoryLayout<Int>.size

    package init(_ fields: [(name: String, value: String)] = []) {
        for field in fields { add(name: field.name, value: field.value) }
    }

    package mutating func add(name: String, value: String) {
        ASCII.withUTF8(name) { name in ASCII.withUTF8(value) { value in add(name: name, value: value) } }
    }

    mutating func add(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let start = used
        let nameStart = start + 2 * HTTPHeaders.lengthSize
        let end = nameStart + name.count + value.count
        reserveCapacity(end - start)
        storage.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: name.count, toByteOffset: start, as: Int.self)
            raw.storeBytes(of: value.count, toByteOffset: start + HTTPHeaders.lengthSize, as: Int.self)
            UnsafeMutableRawBufferPointer(rebasing: raw[nameStart...]).copyMemory(from: UnsafeRawBufferPointer(name))
            UnsafeMutableRawBufferPointer(rebasing: raw[(nameStart + name.count)...]).copyMemory(from: UnsafeRawBufferPointer(value))
        }
        used = end
    }

    /// Appends every field of `other`, in its order.
    package mutating func add(contentsOf other: HTTPHeaders) {
        let start = used
        reserveCapacity(other.used)
        storage.withUnsafeMutableBytes { raw in
            other.storage.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: raw[start...]).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<other.used])) }
        }
        used += other.used
    }

    /// Room for `bytes` more bytes of records (a field takes its name, its value and two
    /// Ints), growing by doubling as an Array does.
    mutating func reserveCapacity(_ bytes: Int) {
        guard used + bytes > storage.count else { return }
        let records = storage
        storage = [UInt8](repeating: 0, count: Swift.max(used + bytes, 2 * storage.count))
        storage.withUnsafeMutableBytes { raw in
            records.withUnsafeBytes { raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<used])) }
        }
    }

    /// The first value of the named field, if present.
    package subscript(name: String) -> String? {
        var result: String?
        forEachField(named: name) { value in
            result = String(decoding: value, as: UTF8.self)
            return false
        }
        return result
    }

    /// All values of the named field, in order.
    package func values(_ name: String) -> [String] {
        var values: [String] = []
        forEachField(named: name) { value in
            values.append(String(decoding: value, as: UTF8.self))
            return true
        }
        return values
    }

    /// Whether a field of this name is present.
    package func contains(_ name: String) -> Bool {
        var found = false
        forEachField(named: name) { _ in
            found = true
            return false
        }
        return found
    }

    /// Whether the named field's first value passes `test`, given its bytes; nil when the
    /// field is absent. For checks that need no String.
    package func firstValue(_ name: String, passes test: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool? {
        var result: Bool?
        forEachField(named: name) { value in
            result = test(value)
            return false
        }
        return result
    }

    /// The fields as Strings, in order.
    package var fields: [(name: String, value: String)] { Array(self) }

    package func makeIterator() -> Iterator { Iterator(headers: self) }

    package struct Iterator: IteratorProtocol {
        fileprivate let headers: HTTPHeaders
        fileprivate var offset = 0

        package mutating func next() -> (name: String, value: String)? {
            headers.withRecords { buffer in
                guard offset < buffer.count else { return nil }
                let field = HTTPHeaders.record(in: buffer, at: &offset)
                return (String(decoding: field.name, as: UTF8.self), String(decoding: field.value, as: UTF8.self))
            }
        }
    }

    /// Calls `body` with the value of each field named `name` (ignoring ASCII case), in
    /// order, while it returns true.
    private func forEachField(named name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        ASCII.withUTF8(name) { wanted in
            withRecords { buffer in
                var offset = 0
                while offset < buffer.count {
                    let field = HTTPHeaders.record(in: buffer, at: &offset)
                    // Fields of another name length are skipped on the length alone.
                    guard field.name.count == wanted.count, HTTPGrammar.equalsIgnoringCase(field.name, wanted) else { continue }
                    if !body(field.value) { return }
                }
            }
        }
    }

    private func withRecords<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[..<used])) }
    }

    /// The record at `offset` (which must be below `buffer.count`), moving `offset` past it.
    /// Views made from the base address: slicing the buffer would check each bound again.
    @inline(__always)
    private static func record(in buffer: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> (name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        let raw = UnsafeRawBufferPointer(buffer)
        let nameLength = raw.loadUnaligned(fromByteOffset: offset, as: Int.self)
        let valueLength = raw.loadUnaligned(fromByteOffset: offset + lengthSize, as: Int.self)
        let name = buffer.baseAddress.unsafelyUnwrapped + offset + 2 * lengthSize
        offset += 2 * lengthSize + nameLength + valueLength
        return (UnsafeBufferPointer(start: name, count: nameLength), UnsafeBufferPointer(start: name + nameLength, count: valueLength))
    }
}
