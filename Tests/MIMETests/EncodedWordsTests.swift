import Testing

@testable import MIME

private func normalized(_ value: String) -> String? {
    value.withCString { EncodedWords.normalized($0) }.map {
        String(decoding: $0.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// B words become Q words of the same bytes, raw 8-bit bytes in Q words become escapes; everything else,
/// plain text and broken words included, stays as it is, and a value with nothing to do gives nil.
@Test(
    arguments: [
        ("=?UTF-8?B?YQ==?= =?UTF-8?B?Yg==?=", "=?UTF-8?Q?a?= =?UTF-8?Q?b?="),
        ("x =?utf-8*en?b?w6k=?= y", "x =?utf-8*en?Q?=C3=A9?= y"),
        ("Heinz =?iso-8859-1?Q?M\u{FC}ller?= <h@e.t>", "Heinz =?iso-8859-1?Q?M=C3=BCller?= <h@e.t>"),
        ("=?UTF-8?B?YS1i?=", "=?UTF-8?Q?a=2Db?="),
    ] as [(String, String)]
)
func rewritesWhatGMimeMisreads(value: String, expected: String) {
    #expect(normalized(value) == expected)
}

@Test(arguments: ["plain text", "=?UTF-8?Q?caf=C3=A9?=", "=?UTF-8?B?unterminated", "=?x?y?z?=", "a =? b ?= c", ""])
func leavesTheRestAlone(value: String) {
    #expect(normalized(value) == nil)
}
