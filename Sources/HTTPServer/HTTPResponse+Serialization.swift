import ASCIIBytes

extension HTTPResponse {
    /// 1xx, 204 and 304 responses carry no content and no Content-Length
    /// (RFC 9110 §8.6, RFC 9112 §6.3).
    var forbidsContent: Bool { status < 200 || status == 204 || status == 304 }

    /// Writes the status line and header section (ending in the empty line) into `out`,
    /// replacing what it held.
    ///
    /// The handler's fields go first, minus the ones the server owns: Content-Length
    /// and Transfer-Encoding (framing is always Content-Length), Connection (decided
    /// here; a handler's `close` is honoured) and fields with CR, LF or NUL (no
    /// response splitting). `Date` is added unless the handler set one.
    ///
    /// - Parameters:
    ///   - keepAlive: whether the server wants to keep the connection open.
    ///   - announceKeepAlive: send `Connection: keep-alive` (HTTP/1.0 clients that asked for it).
    /// - Returns: whether the connection stays open after this response.
    func serializeHead(into out: inout GrowableBytes, date: [UInt8], keepAlive: Bool, announceKeepAlive: Bool) -> Bool {
        // RFC 9110 §2.5: answer with the highest version we conform to (HTTP/1.1), also to
        // HTTP/1.0 requests.
        let reason = HTTPStatus.reasonPhrase(status)
        out.removeAll()
        out.reserve(HTTPResponse.statusLineRoom + reason.utf8CodeUnitCount)
        out.append("HTTP/1.1 ")
        out.appendDecimal(status)
        out.append(" ")
        out.append(reason)
        out.append("\r\n")

        var handlerWantsClose = false
        var handlerSetDate = false
        for (name, value) in headers {
            let nameBytes = name.utf8
            switch nameBytes.count {
            case 14 where HTTPGrammar.equalsIgnoringCase(nameBytes, "content-length"):
                continue
            case 17 where HTTPGrammar.equalsIgnoringCase(nameBytes, "transfer-encoding"):
                continue
            case 10 where HTTPGrammar.equalsIgnoringCase(nameBytes, "connection"):
                if HTTPResponse.listContains(value, "close") { handlerWantsClose = true }
                continue
            case 4 where HTTPGrammar.equalsIgnoringCase(nameBytes, "date"):
                handlerSetDate = true
            default:
                break
            }
            HTTPResponse.appendFieldIfSafe(name, value, to: &out)
        }

        out.reserve(HTTPResponse.serverFieldsRoom + date.count)
        if !forbidsContent {
            out.append("Content-Length: ")
            out.appendDecimal(body.count)
            out.append("\r\n")
        }
        if !handlerSetDate {
            out.append("Date: ")
            date.withUnsafeBytes { out.append($0) }
            out.append("\r\n")
        }
        let staysOpen = keepAlive && !handlerWantsClose
        if !staysOpen {
            out.append("Connection: close\r\n")
        } else if announceKeepAlive {
            out.append("Connection: keep-alive\r\n")
        }
        out.append("\r\n")
        return staysOpen
    }

    /// What the status line can take besides its reason phrase.
    private static var statusLineRoom: Int {
        ("HTTP/1.1  \r\n" as StaticString).utf8CodeUnitCount + GrowableBytes.maxDecimalLength
    }

    /// What the server's fields and the head's last CRLF can take, besides the date's value.
    private static var serverFieldsRoom: Int {
        ("Content-Length: \r\n" as StaticString).utf8CodeUnitCount + GrowableBytes.maxDecimalLength
            + ("Date: \r\n" as StaticString).utf8CodeUnitCount
            + ("Connection: keep-alive\r\n\r\n" as StaticString).utf8CodeUnitCount
    }

    /// Appends `name: value` and its CRLF, unless either holds CR, LF or NUL. Over the
    /// contiguous UTF-8: a String's own byte iterator costs several times more.
    private static func appendFieldIfSafe(_ name: String, _ value: String, to out: inout GrowableBytes) {
        ASCII.withUTF8(name) { name in
            ASCII.withUTF8(value) { value in
                guard isSafeFieldText(name), isSafeFieldText(value) else { return }
                out.reserve(name.count + value.count + 4) // ": " and CRLF
                out.append(UnsafeRawBufferPointer(name))
                out.append(": ")
                out.append(UnsafeRawBufferPointer(value))
                out.append("\r\n")
            }
        }
    }

    private static func isSafeFieldText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte == HTTPGrammar.cr || byte == HTTPGrammar.lf || byte == 0 { return false }
        return true
    }

    private static func listContains(_ value: String, _ token: StaticString) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            var found = false
            HTTPGrammar.forEachListElement(bytes) { element in
                if HTTPGrammar.equalsIgnoringCase(element, token) { found = true }
            }
            return found
        }
    }
}
