// libFuzzer target for StrictJSON alone. Compiled into the StrictJSON module
// (Fuzz/run.sh).
//
// Oracle, beyond "no crash, no leak, no hang":
// - the byte-array, raw-buffer and slice entry points agree;
// - an error's offset lies inside the input;
// - a parsed document serialises to bytes that parse back to the same value, and
//   serialising is idempotent;
// - any text (the input decoded as UTF-8, invalid bytes replaced) written as a
//   JSON string reads back unchanged;
// - `readMembers`, each value read piece by piece (`JSONValueReader`), refuses exactly
//   what `parse` refuses, with the same error, and otherwise gives the same members.

/// A value rebuilt through the piecewise reads, as the order draft reads its fields.
private func rebuild(_ value: inout some JSONValueSource & ~Copyable) -> JSONValue {
    var text = ""
    if value.readString({ text = String(decoding: $0, as: UTF8.self) }) { return .string(text) }
    if value.readNumber({ text = String(decoding: $0, as: UTF8.self) }) { return .number(JSONNumber(literal: text)) }
    var items: [JSONValue] = []
    if value.readArray({ items.append(rebuild(&$0)) }) { return .array(items) }
    return value.readValue()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let array = Array(raw)
    let fromRaw = Result { () throws(JSONParseError) in try JSONReader.parse(raw) }
    let fromArray = Result { () throws(JSONParseError) in try JSONReader.parse(array) }
    let fromSlice = Result { () throws(JSONParseError) in try JSONReader.parse(array[...]) }
    if fromRaw != fromArray || fromRaw != fromSlice { fatalError("entry points disagree") }

    switch fromRaw {
    case .failure(let error):
        if error.offset < 0 || error.offset > size { fatalError("error offset \(error.offset) outside 0...\(size)") }
    case .success(let value):
        let text = value.serialized()
        guard let again = try? JSONReader.parse(text) else { fatalError("own output does not parse") }
        if again != value { fatalError("round trip changed the value") }
        if again.serialized() != text { fatalError("serialising is not idempotent") }
    }

    var members = JSONObject()
    let streamed = Result { () throws(JSONParseError) in
        try JSONReader.readMembers(array) { key, value in members.append(key: String(decoding: key, as: UTF8.self), value: rebuild(&value)) }
    }
    switch (fromRaw, streamed) {
    case (.failure(let error), .failure(let other)): if error != other { fatalError("readMembers refused with \(other), parse with \(error)") }
    case (.success(.object(let object)), .success(nil)): if object != members { fatalError("readMembers gave other members") }
    case (.success(let value), .success(let other?)): if value != other { fatalError("readMembers gave another document") }
    default: fatalError("readMembers and parse disagree: \(streamed) against \(fromRaw)")
    }

    let string = String(decoding: array, as: UTF8.self)
    var writer = JSONWriter()
    writer.string(string)
    guard case .string(let back)? = try? JSONReader.parse(writer.bytes) else { fatalError("written string does not parse") }
    if !back.utf8.elementsEqual(string.utf8) { fatalError("string round trip changed the text") }
    return 0
}
