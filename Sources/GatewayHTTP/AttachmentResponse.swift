import Gateway
import HTTPServer
import MIME

/// `GET /v1/messages/{id}/attachments/{attachmentId}`: the decoded bytes, whole or one byte range.
enum AttachmentResponse {
    /// The validator: the message (id and size, as for `/raw`) and the part within it.
    static func tag(id: String, size: Int, attachmentId: String) -> EntityTag {
        EntityTag(kind: "a", id: id, size: size, variant: attachmentId)
    }

    /// An attachment decoded into memory.
    static func make(_ bytes: [UInt8], _ attachment: MessageAttachment, tag: EntityTag, range: String?) -> HTTPResponse
    {
        RangedBody.response(bytes, headers: self.headers(attachment, tag), range: range, noun: "attachment")
    }

    /// An attachment of a spooled message, decoded from the spool as the client takes it (backpressure
    /// from the body writer), with a `Content-Length`: the size is known from decoding it once already.
    /// A range decodes and skips what comes before it and stops decoding after its end.
    static func streamed(
        _ attachment: MessageAttachment,
        from spool: SpooledMessage,
        tag: EntityTag,
        range: String?
    ) -> HTTPResponse {
        var headers = self.headers(attachment, tag)
        let status: Int
        let offsets: Range<Int>
        switch ByteRange.resolve(range, length: attachment.size) {
        case .whole:
            status = 200
            offsets = 0..<attachment.size
        case .partial(let range):
            status = 206
            offsets = range.offsets
            headers.add(name: "Content-Range", value: range.contentRange(length: attachment.size))
        case .unsatisfiable:
            return RangedBody.unsatisfiable(length: attachment.size, noun: "attachment")
        }
        let id = attachment.id
        return HTTPResponse(
            status: status,
            headers: headers,
            body: .stream(contentLength: offsets.count) { writer in
                try spool.writeAttachment(id, range: offsets) { chunk in try writer.write(chunk) }
            }
        )
    }

    private static func headers(_ attachment: MessageAttachment, _ tag: EntityTag) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: self.mediaType(attachment.contentType))
        headers.add(
            name: "Content-Disposition",
            value: ContentDisposition.value(
                disposition: attachment.disposition,
                filename: attachment.filename,
                attachmentId: attachment.id,
                contentType: attachment.contentType
            )
        )
        // The sender chose the type: a browser must neither guess another one nor, for HTML or SVG, run
        // its scripts with the gateway's origin (where the caller's credentials work).
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Content-Security-Policy", value: "sandbox")
        headers.add(name: "Accept-Ranges", value: "bytes")
        tag.addValidators(to: &headers)
        return headers
    }

    /// The part's media type if it is a well-formed `type/subtype` of RFC 9110 tokens, else
    /// `application/octet-stream`: it goes into a header as it is.
    static func mediaType(_ type: String) -> String {
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        let isToken = { (part: Substring) in
            !part.isEmpty
                && part.utf8.allSatisfy { byte in
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                        UInt8(ascii: "0")...UInt8(ascii: "9"):
                        true
                    default:
                        "!#$%&'*+-.^_`|~".utf8.contains(byte)
                    }
                }
        }
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]) else { return "application/octet-stream" }
        return type
    }
}
