import CertificatePacks

/// A Cloudflare API failure that knows how it renders: HTTP status plus the
/// `errors` of the envelope. Codes marked "mock" are assigned by CertPackMock
/// where Cloudflare's own code is unpublished (README, error table).
public struct APIError: Error, Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var code: Int
        public var message: String
        /// Nested causes, as real 6003 errors carry them.
        public var chain: [Item]
        /// JSON pointer of the request field at fault, rendered as `source.pointer`.
        public var pointer: String?

        public init(code: Int, message: String, chain: [Item] = [], pointer: String? = nil) {
            self.code = code
            self.message = message
            self.chain = chain
            self.pointer = pointer
        }
    }

    public var status: Int
    public var items: [Item]
    /// Real gateway-level auth failures (9106, 10000) carry only `success` and `errors`.
    public var omitsMessagesAndResult: Bool
    /// Extra response headers (Retry-After on 429).
    public var headers: [(name: String, value: String)]

    public init(status: Int, items: [Item], omitsMessagesAndResult: Bool = false, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.items = items
        self.omitsMessagesAndResult = omitsMessagesAndResult
        self.headers = headers
    }

    public init(status: Int, code: Int, message: String) {
        self.init(status: status, items: [Item(code: code, message: message)])
    }

    public static func == (a: APIError, b: APIError) -> Bool {
        a.status == b.status && a.items == b.items && a.omitsMessagesAndResult == b.omitsMessagesAndResult
    }

    public var codes: [Int] { items.map(\.code) }
}

extension APIError {
    // MARK: Authentication (real codes and messages)

    static let missingAuthHeaders = APIError(
        status: 400, items: [Item(code: 9106, message: "Missing X-Auth-Key, X-Auth-Email or Authorization headers")],
        omitsMessagesAndResult: true)

    static func invalidRequestHeaders(_ chain: [Item]) -> APIError {
        APIError(status: 400, items: [Item(code: 6003, message: "Invalid request headers", chain: chain)])
    }

    static let invalidEmailFormat = Item(code: 6102, message: "Invalid format for X-Auth-Email header")
    static let invalidKeyFormat = Item(code: 6103, message: "Invalid format for X-Auth-Key header")
    static let invalidAuthorizationFormat = Item(code: 6111, message: "Invalid format for Authorization header")

    static let unknownGlobalKey = APIError(status: 403, code: 9103, message: "Unknown X-Auth-Key or X-Auth-Email")
    static let invalidAccessToken = APIError(status: 403, code: 9109, message: "Invalid access token")
    static let authenticationError = APIError(
        status: 403, items: [Item(code: 10000, message: "Authentication error")], omitsMessagesAndResult: true)

    /// Mock-assigned: HTTP framing errors answered before any Cloudflare logic (400/413/414/431/501/505).
    public static let protocolErrorCode = 1498

    // MARK: Routing and request format (real codes)

    static let noRoute = APIError(status: 400, code: 7000, message: "No route for that URI")

    /// 7003 followed by 7000, as the real API answers an unknown or malformed object id.
    static func couldNotRoute(_ path: some StringProtocol) -> APIError {
        APIError(status: 400, items: [
            Item(code: 7003, message: "Could not route to \(path), perhaps your object identifier is invalid?"),
            Item(code: 7000, message: "No route for that URI"),
        ])
    }

    /// Mock-assigned code 1497: Cloudflare publishes nothing for a wrong method on a known path.
    static func methodNotAllowed(_ allowed: [String]) -> APIError {
        APIError(status: 405, items: [Item(code: 1497, message: "Method not allowed on this route; use \(allowed.joined(separator: ", ")).")],
                 headers: [("Allow", allowed.joined(separator: ", "))])
    }

    static let malformedJSON = APIError(status: 400, code: 6007, message: "Malformed JSON in request body")
    static let contentTypeNotJSON = APIError(status: 400, code: 9207, message: "Content-type must be application/json.")

    // MARK: Certificate packs

    /// Real code; Cloudflare's message text is unpublished.
    static let packNotFound = APIError(status: 404, code: 1408, message: "Certificate pack not found.")
    static let advancedCertificateManagerRequired = APIError(
        status: 401, code: 1450, message: "This feature is available with the Advanced Certificate Manager")

    /// Mock-assigned code 1481.
    static func quotaExceeded(allocated: Int) -> APIError {
        APIError(status: 400, code: 1481,
                 message: "Advanced certificate pack quota exceeded: the zone has \(allocated) allocated; delete a pack or raise the zone's quota.")
    }

    static func rateLimited(retryAfter: Int) -> APIError {
        APIError(status: 429, items: [Item(code: 971, message: "Please wait and consider throttling your request speed")],
                 headers: [("Retry-After", String(retryAfter))])
    }

    /// Mock-assigned code 1482, with the sentence Cloudflare's docs give for an active certificate.
    static func validationMethodLocked(_ status: PackStatus) -> APIError {
        let message: String
        switch status {
        case .pendingIssuance, .pendingDeployment, .stagingDeployment, .holdingDeployment:
            message = "Domain control validation has already passed for this certificate pack (status \(status.rawValue)); its validation method can no longer change."
        case .active, .stagingActive, .backupIssued, .pendingExpiration:
            message = "You cannot update the DCV method for an active certificate. To update the DCV method for a subdomain, wait until the DCV expires and then change the DCV method."
        default:
            message = "The validation method of a certificate pack in status \(status.rawValue) cannot be changed."
        }
        return APIError(status: 400, items: [Item(code: 1482, message: message, pointer: "/validation_method")])
    }

    /// Mock-assigned code 1483: advanced packs validate by txt, http or email only (the pack schema's enum).
    static let cnameValidationNotOffered = APIError(status: 400, items: [Item(
        code: 1483, message: "validation_method: cname is not available for advanced certificate packs (use txt, http or email).",
        pointer: "/validation_method")])

    /// One error per problem, each naming its field (codes assigned by the mock).
    static func invalidOrder(_ rejection: OrderRejection) -> APIError {
        APIError(status: 400, items: rejection.problems.map { Item(code: $0.code, message: $0.message, pointer: $0.pointer) })
    }
}

extension OrderProblem {
    /// Mock-assigned codes (Cloudflare publishes none for these rules); listed in the README.
    public var code: Int {
        switch self {
        case .bodyNotObject: return 1470
        case .missingField: return 1471
        case .wrongType: return 1472
        case .notAllowed: return 1473
        case .hostCount: return 1474
        case .apexMissing: return 1475
        case .invalidHostname, .hostOutsideZone: return 1476
        case .duplicateHost: return 1477
        case .validityNotOffered: return 1478
        case .validityNeedsEnterprise: return 1480
        case .methodNotOffered, .httpValidationWithWildcard: return 1479
        }
    }
}
