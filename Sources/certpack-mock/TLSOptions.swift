import CertPackMock
import FoundationEssentials
import HTTPServer
import Logging
import TLS

/// HTTPS on the listening port: `--tls`, `--tls-hostname`, `--tls-dir`, `--tls-cert`,
/// `--tls-key`, `--tls-ca-out`. By default a CA and an ECDSA P-256 server certificate are
/// made in memory on first need in every run; `--tls-dir` keeps the CA so it is trusted once.
struct TLSOptions {
    static let tlsSetting = Setting("tls", env: "CERTPACK_MOCK_TLS", default: Switch.on)
    static let hostnameSetting = Setting<String>("tls-hostname", env: "CERTPACK_MOCK_TLS_HOSTNAME", unsetMeans: "none")
    static let directorySetting = Setting<String>("tls-dir", env: "CERTPACK_MOCK_TLS_DIR", unsetMeans: "a new CA in each run, made on first need")
    static let certificateSetting = Setting<String>("tls-cert", env: "CERTPACK_MOCK_TLS_CERT")
    static let keySetting = Setting<String>("tls-key", env: "CERTPACK_MOCK_TLS_KEY")
    static let caOutSetting = Setting<String>("tls-ca-out", env: "CERTPACK_MOCK_TLS_CA_OUT")

    // As given on the command line (`Serve` declares the flags); nil, or empty, when not given.
    var tls: String?
    var tlsHostname: [String] = []
    var tlsDir: String?
    var tlsCert: String?
    var tlsKey: String?
    var tlsCaOut: String?

    /// What the options resolve to, before anything is made.
    struct Plan {
        enum Source {
            case generated(names: [SubjectAlternativeName])
            case stored(directory: String, names: [SubjectAlternativeName])
            case files(certificate: String, key: String)
        }
        var source: Source
        var caOut: String?
    }

    func check() throws {
        _ = try plan()
    }

    /// Nil when TLS is off.
    func plan() throws -> Plan? {
        guard try Self.tlsSetting.resolve(choice: tls) == .on else { return nil }
        let rawNames = !tlsHostname.isEmpty ? tlsHostname
            : (Self.hostnameSetting.environmentText ?? "").split(separator: ",").map(String.init)
        let extra = try rawNames.map { raw -> SubjectAlternativeName in
            do {
                let name = try SubjectAlternativeName(parsing: Self.trimmed(raw))
                try name.checkEncodable()
                return name
            } catch { throw SettingError(description: "\(error)") }
        }
        var names = SubjectAlternativeName.defaults
        for name in extra where !names.contains(name) { names.append(name) }

        let directory = try Self.directorySetting.resolveIfSet(tlsDir)
        let certificate = try Self.certificateSetting.resolveIfSet(tlsCert)
        let key = try Self.keySetting.resolveIfSet(tlsKey)
        let caOut = try Self.caOutSetting.resolveIfSet(tlsCaOut)
        switch (certificate, key) {
        case (let certificate?, let key?):
            if directory != nil { throw SettingError(description: "--tls-dir and --tls-cert exclude each other: the CA in --tls-dir signs a certificate the mock makes") }
            if caOut != nil { throw SettingError(description: "--tls-ca-out writes the mock's own CA, which --tls-cert replaces; give clients the CA that issued your certificate") }
            if !extra.isEmpty { throw SettingError(description: "--tls-hostname adds names to the mock's own certificate; with --tls-cert the names are those of your certificate") }
            return Plan(source: .files(certificate: certificate, key: key), caOut: nil)
        case (nil, nil):
            if let directory { return Plan(source: .stored(directory: directory, names: names), caOut: caOut) }
            return Plan(source: .generated(names: names), caOut: caOut)
        default:
            throw SettingError(description: "--tls-cert and --tls-key go together: give both, or neither for the mock's own certificate")
        }
    }

    /// What serves HTTPS. The mock's own certificate (and, without `--tls-dir`, its CA) is made
    /// on the first TLS handshake or CA download, not here; what can be wrong in the user's
    /// input is checked here so it stops start-up: `--tls-dir` is loaded (or its CA made and
    /// stored), `--tls-cert`/`--tls-key` are read and put in a context, and `--tls-ca-out`
    /// makes the CA now because the file must exist once the server is ready.
    /// ALPN offers `h2` only when the server speaks HTTP/2. A context that fails to be made
    /// later is logged once, as an error, by `logger`.
    func provider(http2: Bool, logger: Logger) throws -> TLSContextProvider? {
        guard let plan = try plan() else { return nil }
        let protocols: [ApplicationProtocol] = http2 ? [.http2, .http1] : [.http1]
        let report: @Sendable (TLSError) -> Void = { error in
            logger.error("TLS: cannot make the server certificate, so HTTPS connections are closed: \(error.description)")
        }
        do {
            switch plan.source {
            case .files(let certificate, let key):
                let identity = try TLSIdentity.load(certificateFile: certificate, keyFile: key)
                return TLSContextProvider(ready: try TLSServerContext(identity: identity, applicationProtocols: protocols))
            case .stored(let directory, let names):
                let authority = try CertificateAuthority.stored(in: directory).authority
                return try Self.ownCertificate(for: names, by: authority, protocols: protocols, caOut: plan.caOut, report: report)
            case .generated(let names):
                return try Self.ownCertificate(for: names, by: nil, protocols: protocols, caOut: plan.caOut, report: report)
            }
        } catch let error as TLSError {
            throw SettingError(description: "TLS: \(error.description)")
        }
    }

    /// The mock's own certificate, made on first need; made now with `--tls-ca-out`, since the CA
    /// file must exist before clients start (a failure then stops start-up instead of being logged).
    private static func ownCertificate(for names: [SubjectAlternativeName], by authority: CertificateAuthority?, protocols: [ApplicationProtocol],
                                       caOut: String?, report: @escaping @Sendable (TLSError) -> Void) throws -> TLSContextProvider {
        guard let caOut else {
            return TLSContextProvider(issuingFor: names, by: authority, applicationProtocols: protocols, reportFailure: report)
        }
        let provider = TLSContextProvider(issuingFor: names, by: authority, applicationProtocols: protocols)
        guard let pem = try provider.context().identity.certificateAuthorityPEM else { return provider }
        do {
            try String(decoding: pem, as: UTF8.self).write(toFile: caOut, atomically: true, encoding: .utf8)
        } catch {
            throw SettingError(description: "--tls-ca-out \(caOut): \(error)")
        }
        return provider
    }

    /// The start-up line for HTTPS, after the listening line; read from the plan, so it makes nothing.
    static func logBanner(_ mock: MockServer, tls: TLSContextProvider?, to logger: Logger) {
        guard let tls else { return }
        let base = "https://" + String(mock.baseURL.absoluteString.dropFirst("http://".count))
        let alpn = tls.applicationProtocols.map(\.rawValue).joined(separator: ", ")
        if tls.issuesOwnCertificate {
            let names = tls.certificateNames.map(\.description).joined(separator: ", ")
            logger.notice("HTTPS on the same port: \(base) (ALPN \(alpn); certificate for \(names)); trust the CA from \(base.dropLast("/client/v4".count))/__mock/tls/ca.pem")
        } else {
            logger.notice("HTTPS on the same port: \(base) (ALPN \(alpn); your certificate from --tls-cert)")
        }
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
