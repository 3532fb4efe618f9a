import Testing
@testable import Sockets
#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketAddressTests {
    @Test func numericLiterals() throws {
        let v4 = try #require(SocketAddress.numeric(host: "127.0.0.1", port: 8080))
        #expect(v4.family == AF_INET)
        #expect(v4.description == "127.0.0.1:8080")
        var v6 = try #require(SocketAddress.numeric(host: "[::1]", port: 1))
        #expect(v6.family == AF_INET6)
        v6.port = 443
        #expect(v6.description == "[::1]:443")
        #expect(SocketAddress.numeric(host: "localhost", port: 1) == nil)
    }

    @Test func namesResolve() throws {
        let addresses = try SocketAddress.resolve(host: "localhost", port: 80)
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { $0.port == 80 })
    }

    @Test func errorsNameTheCallAndErrno() {
        let error = SocketError(call: "bind", errno: EADDRINUSE, detail: "127.0.0.1:80")
        #expect(error.description.hasPrefix("bind (127.0.0.1:80) failed: "))
        #expect(error.description.hasSuffix("[errno \(EADDRINUSE)]"))
    }
}
