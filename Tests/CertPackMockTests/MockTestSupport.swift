import CertificatePacks
import CertPackMock
import Logging
import TestSupport

enum TestCredentials {
    static let zone = "023e105f4ecef8ad9ca31a8372d0c353"
    static let noACMZone = "372e67954025e0ba6aaa6d586b9e0b59"
    static let netZone = "9a7806061c88ada191ed06f989cc3dac"
    static let edit = ["Authorization": "Bearer certpackmock-ssl-edit-000000000000000000"]
    static let read = ["Authorization": "Bearer certpackmock-ssl-read-000000000000000000"]
    static let json = ["Content-Type": "application/json"]
    static let seedOrder = #"{"type":"advanced","hosts":["example.com","*.example.com"],"validation_method":"txt","validity_days":90,"certificate_authority":"lets_encrypt"}"#
    static let orderPath = "/client/v4/zones/\(zone)/ssl/certificate_packs/order"
}

/// A mock on a free loopback port with a manual clock and a fixed seed.
func startMock(_ adjust: (inout MockConfiguration) -> Void = { _ in }) throws -> MockServer {
    var config = MockConfiguration(hosts: ["127.0.0.1"], port: 0, clockMode: .manual, clockStart: 1_800_000_000, seed: 1)
    adjust(&config)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return try MockServer.start(config, logger: logger)
}

extension TestResponse {
    var errorCodes: [Int] { (json["errors"] as? [[String: Any]])?.compactMap { $0["code"] as? Int } ?? [] }
    var result: [String: Any]? { json["result"] as? [String: Any] }
}
