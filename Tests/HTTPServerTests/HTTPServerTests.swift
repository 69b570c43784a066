import Testing

/// Every test that runs a real server on loopback; serialized so that timing assertions do not
/// compete with each other for the machine's two cores.
@Suite(.serialized)
struct HTTPServerTests {}
