// swift-tools-version: 6.0
// The contract test of openapi.yaml with swift-openapi-generator (scripts/client-test.sh): the client the
// generator (clients/swift/generator) wrote into Generated/ (not committed), and a program that drives it
// against a running gateway.
import PackageDescription

let package = Package(
    name: "pop3-gateway-client-contract",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(
            name: "GatewayClient",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Generated",
            // The generator's `public import`s are unused in some files, which Swift 6.3 warns about (the
            // generated code silences this from Swift 6.4 on). The warnings-as-errors are for our own code.
            swiftSettings: [.unsafeFlags(["-suppress-warnings"])]
        ),
        .executableTarget(
            name: "client-contract-test",
            dependencies: [
                "GatewayClient",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
            ],
            path: "Sources/ContractTest",
            swiftSettings: [.unsafeFlags(["-warnings-as-errors"])]
        ),
    ]
)
