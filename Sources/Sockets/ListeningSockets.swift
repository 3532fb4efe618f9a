#if canImport(Glibc)
import Glibc
#endif

/// Binding every configured host on one port: the listening half of a server.
package enum ListeningSockets {
    /// Binds every address of every host in `hosts` on `port`; returns the sockets with
    /// the addresses the kernel bound.
    ///
    /// Hosts that cannot exist on this machine (EADDRNOTAVAIL, EAFNOSUPPORT: no IPv6,
    /// say) are skipped as long as one binds. With port 0 the first host gets a free
    /// port and the others bind that same port; if another process holds it there, the
    /// whole set starts over with a new free port a few times.
    /// - Throws: `SocketError` when nothing could be bound or on any other failure.
    package static func bind(hosts: [String], port: Int, backlog: Int32 = 1024) throws -> [(Socket, SocketAddress)] {
        let attempts = port == 0 ? 8 : 1
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try bindAll(hosts: hosts, port: port, backlog: backlog)
            } catch let error as SocketError where error.errno == EADDRINUSE && attempt < attempts {
                continue
            }
        }
    }

    private static func bindAll(hosts: [String], port requested: Int, backlog: Int32) throws -> [(Socket, SocketAddress)] {
        var port = requested
        var bound: [(Socket, SocketAddress)] = []
        var lastError: SocketError?
        for host in hosts {
            let candidates: [SocketAddress]
            do {
                candidates = try SocketAddress.resolve(host: host, port: port)
            } catch let error as SocketError {
                lastError = error
                continue
            }
            for var address in candidates {
                address.port = port
                do {
                    let socket = try Socket.listening(on: address, backlog: backlog)
                    let actual: SocketAddress
                    do {
                        actual = try socket.localAddress()
                    } catch {
                        socket.close()
                        throw error
                    }
                    if port == 0 { port = actual.port }
                    bound.append((socket, actual))
                } catch let error as SocketError where error.errno == EADDRNOTAVAIL || error.errno == EAFNOSUPPORT {
                    lastError = error
                } catch {
                    for (socket, _) in bound { socket.close() }
                    throw error
                }
            }
        }
        guard !bound.isEmpty else {
            throw lastError ?? SocketError(call: "bind", errno: EADDRNOTAVAIL, detail: "no host configured")
        }
        return bound
    }
}
