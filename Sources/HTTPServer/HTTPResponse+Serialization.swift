import ASCIIBytes

extension HTTPResponse {
    /// 1xx, 204 and 304 responses carry no content and no Content-Length
    /// (RFC 9110 §8.6, RFC 9112 §6.3).
    var forbidsContent: Bool { status < 200 || status == 204 || status == 304 }

    /// Appends the status line and header section (ending in the empty line) to `out`.
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
    func serializeHead(into out: inout [UInt8], date: [UInt8], keepAlive: Bool, announceKeepAlive: Bool) -> Bool {
        // RFC 9110 §2.5: answer with the highest version we conform to (HTTP/1.1), also to
        // HTTP/1.0 requests.
        appendStatic(&out, "HTTP/1.1 ")
        ASCII.appendDecimal(status, to: &out)
        out.append(HTTPGrammar.space)
        HTTPStatus.reasonPhrase(status).withUTF8Buffer { out.append(contentsOf: $0) }
        appendStatic(&out, "\r\n")

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
        if !forbidsContent {
            appendStatic(&out, "Content-Length: ")
            ASCII.appendDecimal(body.count, to: &out)
            appendStatic(&out, "\r\n")
        }
        if !handlerSetDate {
            appendStatic(&out, "Date: ")
            out.append(contentsOf: date)
            appendStatic(&out, "\r\n")
        }
        let staysOpen = keepAlive && !handlerWantsClose
        if !staysOpen {
            appendStatic(&out, "Connection: close\r\n")
        } else if announceKeepAlive {
            appendStatic(&out, "Connection: keep-alive\r\n")
        }
        appendStatic(&out, "\r\n")
        return staysOpen
    }

    /// Appends `name: value` and its CRLF, unless either holds CR, LF or NUL. Over the
    /// contiguous UTF-8: a String's own byte iterator costs several times more.
    private static func appendFieldIfSafe(_ name: String, _ value: String, to out: inout [UInt8]) {
        ASCII.withUTF8(name) { name in
            ASCII.withUTF8(value) { value in
                guard isSafeFieldText(name), isSafeFieldText(value) else { return }
                out.append(contentsOf: name)
                appendStatic(&out, ": ")
                out.append(contentsOf: value)
                appendStatic(&out, "\r\n")
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

@inline(__always)
func appendStatic(_ out: inout [UInt8], _ text: StaticString) {
    text.withUTF8Buffer { out.append(contentsOf: $0) }
}
