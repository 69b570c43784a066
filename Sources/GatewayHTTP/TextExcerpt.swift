import Basics

/// A body as `GET /v1/messages/{id}` sends it: `{"content", "hasMore"}`, cut to a byte budget.
struct TextExcerpt: JSONWritable, Equatable {
    var content: String
    /// Whether `content` was cut.
    var hasMore: Bool

    /// `text` cut to at most `maxBytes` UTF-8 bytes, at the end of a Unicode scalar so that the content
    /// stays valid UTF-8 (a grapheme cluster such as an emoji with a skin tone may be split; a scalar never).
    init(_ text: String, maxBytes: Int?) {
        let utf8 = text.utf8
        guard let maxBytes, utf8.count > maxBytes else {
            self.content = text
            self.hasMore = false
            return
        }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, maxBytes))
        // Step back over continuation bytes (10xxxxxx) to the first byte of the scalar that does not fit.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        self.content = String(decoding: utf8[..<end], as: UTF8.self)
        self.hasMore = true
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.key("content")
            json.string(self.content)
            json.key("hasMore")
            json.bool(self.hasMore)
        }
    }
}
