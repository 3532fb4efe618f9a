import HTTPServer
import TLS

/// `GET /__mock/tls/ca.pem`: the CA a client must trust for HTTPS, in PEM. Asking for it
/// makes the TLS context if no handshake has yet, so the CA served is the one that signs.
enum TLSCertificateAnswer {
    static func certificateAuthority(_ tls: TLSContextProvider?) throws -> HTTPResponse {
        guard let tls else {
            throw ControlAPI.invalid("TLS is off (--tls off): there is no CA to trust", status: 404)
        }
        guard tls.issuesOwnCertificate else {
            throw ControlAPI.invalid("the server presents your own certificate (--tls-cert); trust the CA that issued it", status: 404)
        }
        let context: TLSServerContext
        do {
            context = try tls.context()
        } catch {
            throw ControlAPI.invalid("the TLS certificate could not be made: \(error.description)", status: 500)
        }
        guard let pem = context.identity.certificateAuthorityPEM else {
            throw ControlAPI.invalid("the server presents your own certificate (--tls-cert); trust the CA that issued it", status: 404)
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/x-pem-file"),
                                                   ("Content-Disposition", "attachment; filename=\"certpack-mock-ca.pem\"")],
                            body: pem)
    }
}
