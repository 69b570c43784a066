// swift-tools-version: 6.0
// swift-openapi-generator's command, at the version the contract test uses:
//   swift run --package-path clients/swift/generator swift-openapi-generator generate openapi.yaml \
//       --config clients/swift/openapi-generator-config.yaml --output-directory DIR
import PackageDescription

let package = Package(
    name: "generator",
    dependencies: [.package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3")]
)
