/// A request the server rejects before it reaches the handler (bad framing,
/// limits, unsupported features). The server answers it through
/// `HTTPServer.protocolErrorResponder` with `Connection: close`, then closes.
package struct HTTPProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status to answer: 400, 413, 414, 417, 431, 501 or 505.
    package var status: Int
    /// A short human explanation, e.g. "Request header section too large".
    package var message: String

    package init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    package var description: String { "\(status) \(message)" }
}

extension HTTPProtocolError {
    static let malformedRequestLine = HTTPProtocolError(status: 400, message: "Malformed request line")
    static let requestLineTooLong = HTTPProtocolError(status: 414, message: "Request line too long")
    static let unsupportedVersion = HTTPProtocolError(status: 505, message: "HTTP version not supported")
    static let headerSectionTooLarge = HTTPProtocolError(status: 431, message: "Request header section too large")
    static let tooManyHeaderFields = HTTPProtocolError(status: 431, message: "Too many request header fields")
    static let malformedHeaderField = HTTPProtocolError(status: 400, message: "Malformed header field")
    static let obsoleteLineFolding = HTTPProtocolError(status: 400, message: "Obsolete line folding in header section")
    static let invalidFieldValue = HTTPProtocolError(status: 400, message: "Invalid character in header field value")
    static let missingHost = HTTPProtocolError(status: 400, message: "Missing Host header")
    static let multipleHost = HTTPProtocolError(status: 400, message: "Multiple Host headers")
    static let transferEncodingWithContentLength = HTTPProtocolError(status: 400, message: "Both Transfer-Encoding and Content-Length")
    static let transferEncodingInHTTP10 = HTTPProtocolError(status: 400, message: "Transfer-Encoding in an HTTP/1.0 request")
    static let invalidTransferEncoding = HTTPProtocolError(status: 400, message: "Invalid Transfer-Encoding")
    static let unsupportedTransferEncoding = HTTPProtocolError(status: 501, message: "Unsupported transfer coding")
    static let invalidContentLength = HTTPProtocolError(status: 400, message: "Invalid Content-Length")
    static let conflictingContentLength = HTTPProtocolError(status: 400, message: "Conflicting Content-Length values")
    static let bodyTooLarge = HTTPProtocolError(status: 413, message: "Request body too large")
    static let malformedChunkedBody = HTTPProtocolError(status: 400, message: "Malformed chunked body")
    static let unsupportedExpectation = HTTPProtocolError(status: 417, message: "Unsupported expectation")
}
