import HTTPServer
import StrictJSON

/// Cloudflare's response envelope `{"success","errors","messages","result"}`,
/// written straight into bytes (the hot path never builds a JSON tree).
enum Envelope {
    static let jsonContentType = (name: "Content-Type", value: "application/json")
    /// Made once: every answer's headers share this array instead of allocating their own.
    private static let jsonHeaders = [jsonContentType]

    /// 200 with `result` written by `writeResult` (and `result_info` for lists).
    static func success(resultInfo: ResultInfo? = nil, _ writeResult: (inout JSONWriter) -> Void) -> HTTPResponse {
        success(body: successBody(resultInfo: resultInfo, writeResult))
    }

    /// A 200 answer whose body was written before (`successBody`'s).
    static func success(body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: 200, headers: jsonHeaders, body: body)
    }

    /// The body of `success`.
    static func successBody(resultInfo: ResultInfo? = nil, _ writeResult: (inout JSONWriter) -> Void) -> [UInt8] {
        var w = JSONWriter(reserving: 1024)
        w.opening(#"{"success":true,"errors":[],"messages":[],"result":"#)
        writeResult(&w)
        if let info = resultInfo {
            w.key("result_info"); w.objectStart()
            w.key("page"); w.int(info.page)
            w.key("per_page"); w.int(info.perPage)
            w.key("count"); w.int(info.count)
            w.key("total_count"); w.int(info.totalCount)
            w.key("total_pages"); w.int(info.totalPages)
            w.objectEnd()
        }
        w.objectEnd()
        return w.bytes
    }

    /// Called only by `APIError.response`, so every refusal renders the same way: write
    /// `error.response`, not this.
    static func failure(_ error: APIError) -> HTTPResponse {
        var w = JSONWriter(reserving: 256)
        w.objectStart()
        w.key("success"); w.bool(false)
        w.key("errors"); w.arrayStart()
        for item in error.items { write(item, into: &w) }
        w.arrayEnd()
        if !error.omitsMessagesAndResult {
            w.key("messages"); w.arrayStart(); w.arrayEnd()
            w.key("result"); w.null()
        }
        w.objectEnd()
        return HTTPResponse(status: error.status, headers: jsonHeaders + error.headers, body: w.bytes)
    }

    private static func write(_ item: APIError.Item, into w: inout JSONWriter) {
        w.objectStart()
        w.key("code"); w.int(item.code)
        w.key("message"); w.string(item.message)
        if !item.chain.isEmpty {
            w.key("error_chain"); w.arrayStart()
            for link in item.chain { write(link, into: &w) }
            w.arrayEnd()
        }
        if let pointer = item.pointer {
            w.key("source"); w.objectStart(); w.key("pointer"); w.string(pointer); w.objectEnd()
        }
        w.objectEnd()
    }
}

/// `result_info` of a list answer.
struct ResultInfo {
    var page: Int
    var perPage: Int
    var count: Int
    var totalCount: Int
    var totalPages: Int { totalCount == 0 ? 0 : (totalCount + perPage - 1) / perPage }
}

extension APIError {
    /// The error as Cloudflare answers it: status, `errors`, extra headers.
    var response: HTTPResponse { Envelope.failure(self) }
}
