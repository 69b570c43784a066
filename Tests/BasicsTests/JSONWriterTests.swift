import Basics
import Foundation
import Testing

@Suite struct JSONWriterTests {
    /// Quotes, backslashes and control characters are escaped; other UTF-8 passes through; JSON parses it back.
    @Test func escapesStrings() throws {
        var writer = JSONWriter()
        let tricky = "a\"b\\c\u{0}\u{1F}\n\t é 日本 😀"
        writer.object { json in
            json.key("s")
            json.string(tricky)
            json.key("n")
            json.null()
            json.key("list")
            json.strings(["x", "y"])
            json.key("b")
            json.bool(true)
            json.key("i")
            json.int(-42)
        }
        let text = String(decoding: writer.bytes, as: UTF8.self)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect(parsed["s"] as? String == tricky)
        #expect(parsed["n"] is NSNull)
        #expect(parsed["list"] as? [String] == ["x", "y"])
        #expect(parsed["b"] as? Bool == true)
        #expect(parsed["i"] as? Int == -42)
        #expect(text.contains(#"\u0000"#) && text.contains(#"\u001f"#) && text.contains(#"\""#))
        #expect(text.contains(#"\n\t"#))
    }

    /// DEL is escaped as well, so that no control character reaches a terminal that shows a log line.
    @Test func escapesDelete() {
        var bytes: [UInt8] = []
        JSONWriter.appendString("a\u{7F}\r\u{1B}[31m", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\u007f\r\u001b[31m""#)
    }

    /// Nested arrays of objects get their commas right.
    @Test func nestsWithCommas() throws {
        var writer = JSONWriter()
        writer.array([1, 2, 3]) { json, number in
            json.object { json in
                json.key("n")
                json.int(number)
                json.key("e")
                json.array([Int]()) { json, _ in json.null() }
            }
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"[{"n":1,"e":[]},{"n":2,"e":[]},{"n":3,"e":[]}]"#)
    }
}
