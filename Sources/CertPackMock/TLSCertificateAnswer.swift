import HTTPServer
import TLS

/// `GET /__mock/tls/ca.pem`: the CA a client must trust for HTTPS, in PEM.
enum TLSCertificateAnswer {
    static func certificateAuthority(_ tls: TLSServerContext?) throws -> HTTPResponse {
        guard let tls else {
            throw ControlAPI.invalid("TLS is off (--tls off): there is no CA to trust", status: 404)
        }
        guard let pem = tls.identity.certificateAuthorityPEM else {
            throw ControlAPI.invalid("the server presents your own certificate (--tls-cert); trust the CA that issued it", status: 404)
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/x-pem-file"),
                                                   ("Content-Disposition", "attachment; filename=\"certpack-mock-ca.pem\"")],
                            body: pem)
    }
}
