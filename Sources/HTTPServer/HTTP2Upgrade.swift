/// The HTTP/1.1 side of `Upgrade: h2c` (RFC 7540 §3.2; deprecated by RFC 9113 §3.1,
/// still what `curl --http2` and `nghttp -u` send on http://).
enum HTTP2Upgrade {
    /// What the server writes before its first HTTP/2 frame.
    static let switchingProtocols: [UInt8] = Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".utf8)

    /// The decoded `HTTP2-Settings` payload when `request` asks for h2c and may have it:
    /// `Upgrade` names `h2c`, `Connection` names `Upgrade` and `HTTP2-Settings`, and
    /// exactly one valid `HTTP2-Settings` field is present. A request with a body is
    /// answered over HTTP/1.1 instead (nil): its body has been read as HTTP/1.1 already
    /// and stream 1 is half-closed from the start, so the answer is simpler that way.
    static func settingsPayload(for request: HTTPRequest) -> [UInt8]? {
        guard request.version == .http11, request.body.isEmpty,
              !request.headers.contains("Transfer-Encoding"),
              hasToken(request.headers.values("Upgrade"), "h2c"),
              hasToken(request.headers.values("Connection"), "upgrade"),
              hasToken(request.headers.values("Connection"), "http2-settings") else { return nil }
        let settings = request.headers.values("HTTP2-Settings")
        guard settings.count == 1, let payload = base64URLDecode(settings[0]), payload.count % 6 == 0 else { return nil }
        return payload
    }

    private static func hasToken(_ values: [String], _ token: String) -> Bool {
        values.contains { value in
            value.split(separator: ",").contains { HTTPGrammar.equalsIgnoringCase(String($0.filter { $0 != " " && $0 != "\t" }), token) }
        }
    }

    /// RFC 4648 §5 without padding (what RFC 7540 §3.2.1 asks for); padding is tolerated.
    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}
