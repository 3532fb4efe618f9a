extension JSONValue {
    /// The compact JSON text as UTF-8 bytes (numbers as their literals,
    /// object members in order, duplicates included).
    public func serialized(reserving capacity: Int = 256) -> [UInt8] {
        var writer = JSONWriter(reserving: capacity)
        writer.value(self)
        return writer.bytes
    }

    /// The compact JSON text.
    public var jsonString: String { String(decoding: serialized(), as: UTF8.self) }
}
