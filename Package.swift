// swift-tools-version:6.1
import PackageDescription

/// Applied to every Swift target, so the whole package builds under one set of rules.
let swiftSettings: [SwiftSetting] = [
    // Every existential spells out `any`.
    .enableUpcomingFeature("ExistentialAny"),
    // A file sees only the modules it imports itself.
    .enableUpcomingFeature("MemberImportVisibility"),
    // `nonisolated async` functions run on the caller's actor.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    // Imports are internal unless declared otherwise, so no C module leaks through a public API.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "pop3-gateway",
    products: [
        .executable(name: "pop3-gateway", targets: ["pop3-gateway"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CGMime",
            pkgConfig: "gmime-3.0",
            providers: [.apt(["libgmime-3.0-dev"])]
        ),
        // What every other target may use: hex digits and percent-encoding, each in one place.
        .target(
            name: "Basics",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "POP3",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "POP3Client",
            dependencies: ["Basics", "POP3", "COpenSSL"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MIME",
            dependencies: ["Basics", "CGMime"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Gateway",
            dependencies: ["Basics", "POP3", "POP3Client", "MIME"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPServer",
            dependencies: ["Basics", "CMicroHTTPD"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GatewayHTTP",
            dependencies: [
                "Basics",
                "Gateway",
                "HTTPServer",
                "POP3",
                "MIME",
                .product(name: "Logging", package: "swift-log"),
                // CoreMetrics only: the `Metrics` product would bring in Foundation.
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // A link to the top-level openapi.yaml, compiled in so that /openapi.yaml serves the contract itself.
            resources: [.embedInCode("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "pop3-gateway",
            dependencies: [
                "Basics",
                "POP3",
                "POP3Client",
                "Gateway",
                "GatewayHTTP",
                "HTTPServer",
                "MIME",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings,
            // Full RELRO (Debian's hardening): every symbol is bound at start-up, so the GOT can be made
            // read-only, and the first requests do not pay for lazy binding of OpenSSL, GLib and GMime.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "-z", "-Xlinker", "relro", "-Xlinker", "-z", "-Xlinker", "now"])
            ]
        ),
        .executableTarget(
            name: "pop3-headers-bench",
            dependencies: ["POP3", "POP3Client"],
            path: "bench/pop3-headers-bench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mime-bench",
            dependencies: ["MIME"],
            path: "bench/mime-bench",
            swiftSettings: swiftSettings
        ),
        // Helpers more than one test target uses; not part of the product.
        .target(
            name: "TestSupport",
            dependencies: ["Basics"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        // Fuzzing (scripts/fuzz.sh): the checks each fuzz target runs, shared by the libFuzzer executables and
        // FuzzRegressionTests.
        // libFuzzer's driver, declared for the FUZZING builds (the library comes with -sanitize=fuzzer).
        .systemLibrary(
            name: "CLibFuzzer",
            path: "Fuzz/CLibFuzzer"
        ),
        .target(
            name: "FuzzHarness",
            dependencies: ["Basics", "POP3", "MIME", "GatewayHTTP", "CLibFuzzer"],
            path: "Fuzz/FuzzHarness",
            swiftSettings: swiftSettings
        ),
        // One executable per fuzz target: libFuzzer's entry point when built with -DFUZZING, a replay of
        // the files it is given otherwise, so that the normal build links them too.
        .executableTarget(
            name: "FuzzPOP3Decoder",
            dependencies: ["FuzzHarness"],
            path: "Fuzz/FuzzPOP3Decoder",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzMIME",
            dependencies: ["FuzzHarness"],
            path: "Fuzz/FuzzMIME",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzHTTPInput",
            dependencies: ["FuzzHarness"],
            path: "Fuzz/FuzzHTTPInput",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BasicsTests",
            dependencies: ["Basics"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "POP3Tests",
            dependencies: ["POP3", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "POP3ClientTests",
            dependencies: ["POP3", "POP3Client", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MIMETests",
            dependencies: ["MIME", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: ["Basics", "Gateway", "POP3", "POP3Client", "MIME"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayHTTPTests",
            dependencies: [
                "Basics",
                "GatewayHTTP",
                "Gateway",
                "HTTPServer",
                "POP3",
                "POP3Client",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["Basics", "HTTPServer", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        // Replays Fuzz/corpus and Fuzz/crashers through the fuzz targets' checks, without libFuzzer.
        .testTarget(
            name: "FuzzRegressionTests",
            dependencies: ["FuzzHarness"],
            swiftSettings: swiftSettings
        ),
        // Against the real Dovecot that scripts/pop3-test-server.sh starts; see TestServer.swift.
        .testTarget(
            name: "POP3IntegrationTests",
            dependencies: ["POP3", "POP3Client", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
