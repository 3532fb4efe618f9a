// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "CertPackMock",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "certpack-mock", targets: ["certpack-mock"]),
        .library(name: "CertPackMock", targets: ["CertPackMock"]),
        // The domain vocabulary CertPackMock's API speaks (PackStatus, PackSnapshot, VirtualClock…).
        .library(name: "CertificatePacks", targets: ["CertificatePacks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Mutex and condition variable on pthreads (NSLock and NSCondition need all of Foundation).
        .target(name: "Locks"),
        // What Glibc's module lacks (accept4, sched_getaffinity, a thread-local pointer), in C.
        .target(name: "CSystemLinux"),
        // libnghttp2 from the system (Debian's libnghttp2-dev: scripts/install-system-packages.sh),
        // linked from its static archive by the module map; headers from /usr/include, no pkg-config.
        .systemLibrary(name: "CNGHTTP2"),
        // Sockets, addresses, the syscall wrapper and listeners; no HTTP.
        .target(name: "Sockets", dependencies: ["CSystemLinux", "ASCIIBytes"]),
        // OpenSSL 3 from the system (Debian: libssl-dev) for TLS and the certificates made at start-up,
        // linked from its static archives by the module map; headers from /usr/include, no pkg-config.
        .systemLibrary(name: "COpenSSL"),
        // TLS over memory BIOs, ALPN, and the mock's own CA and server certificate; no sockets.
        .target(name: "TLS", dependencies: ["COpenSSL", "Locks"]),
        // Connections on Dispatch, HTTP/1.1, HTTP/2 (libnghttp2) and TLS; knows nothing of Cloudflare.
        .target(name: "HTTPServer", dependencies: ["ASCIIBytes", "CSystemLinux", "Sockets", "CNGHTTP2", "TLS"]),
        // A small strict JSON reader and writer for the hot path (Foundation's is 10x slower).
        // ASCII bytes (digits, hex, case folding) for the HTTP, JSON, domain and API modules.
        .target(name: "ASCIIBytes"),
        .target(name: "StrictJSON", dependencies: ["ASCIIBytes"]),
        // The domain without I/O or JSON: packs, order validation, lifecycle, store.
        .target(name: "CertificatePacks", dependencies: ["ASCIIBytes"]),
        // Cloudflare's API and the control API on top of the two above.
        .target(
            name: "CertPackMock",
            dependencies: [
                "HTTPServer", "StrictJSON", "CertificatePacks", "Locks", "ASCIIBytes", "TLS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "certpack-mock",
            dependencies: [
                "CertPackMock", "CertificatePacks", "HTTPServer", "Sockets", "TLS", "ASCIIBytes", "StrictJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What several test targets share: the one raw HTTP client (on Sockets), one SplitMix64.
        .target(name: "TestSupport", dependencies: ["Sockets", "Locks"], path: "Tests/TestSupport"),
        .testTarget(name: "SocketsTests", dependencies: ["Sockets", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Sockets", "TestSupport", "CNGHTTP2"]),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON", "TestSupport"]),
        .testTarget(name: "LocksTests", dependencies: ["Locks"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "COpenSSL", "TestSupport"]),
        .testTarget(name: "HTTPServerTLSTests", dependencies: ["HTTPServer", "Sockets", "TLS", "COpenSSL", "TestSupport"]),
        .testTarget(name: "CertificatePacksTests", dependencies: ["CertificatePacks", "StrictJSON", "TestSupport"]),
        .testTarget(
            name: "CertPackMockTests",
            dependencies: ["CertPackMock", "HTTPServer", "StrictJSON", "CertificatePacks", "TestSupport", "TLS", .product(name: "Logging", package: "swift-log")]),
    ],
    swiftLanguageModes: [.v6]
)
