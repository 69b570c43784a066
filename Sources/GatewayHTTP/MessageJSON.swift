import Basics
import Gateway
import MIME

/// The JSON shapes of openapi.yaml. Absent values are `null`, never missing keys.
enum MessageJSON {
    struct Summary: JSONWritable {
        var id: String
        var size: Int
        var summary: MessageSummary

        func write(to json: inout JSONWriter) {
            json.object { json in self.writeFields(to: &json, hasAttachments: self.summary.hasAttachments) }
        }

        func writeFields(to json: inout JSONWriter, hasAttachments: Bool?) {
            json.key("id")
            json.string(self.id)
            json.key("size")
            json.int(self.size)
            Self.writeHeaderFields(self.summary, hasAttachments: hasAttachments, to: &json)
        }

        /// The fields read from a header: a listing entry's without `id` and `size`.
        static func writeHeaderFields(_ summary: MessageSummary, hasAttachments: Bool?, to json: inout JSONWriter) {
            json.key("date")
            json.string(summary.date)
            json.key("subject")
            json.string(summary.subject)
            json.key("from")
            Self.write(summary.from, to: &json)
            json.key("to")
            Self.write(summary.to, to: &json)
            json.key("cc")
            Self.write(summary.cc, to: &json)
            json.key("messageId")
            json.string(summary.messageId)
            json.key("hasAttachments")
            json.bool(hasAttachments)
        }

        static func write(_ addresses: [MailAddress], to json: inout JSONWriter) {
            json.array(addresses) { json, address in
                json.object { json in
                    json.key("name")
                    json.string(address.name)
                    json.key("address")
                    json.string(address.address)
                }
            }
        }
    }

    /// `GET /v1/messages/{id}`: the summary fields (`hasAttachments` from the parts), the rest of the
    /// header, the bodies the parameters select and every attachment.
    struct Message: JSONWritable {
        var document: MessageDocument
        var parameters: MessageParameters

        func write(to json: inout JSONWriter) {
            let summary = self.document.summary
            let body = self.document.body
            json.object { json in
                Summary(id: self.document.id, size: self.document.size, summary: summary)
                    .writeFields(to: &json, hasAttachments: self.document.hasAttachments)
                json.key("replyTo")
                Summary.write(summary.replyTo, to: &json)
                json.key("inReplyTo")
                json.string(summary.inReplyTo)
                json.key("references")
                json.strings(summary.references)
                json.key("headers")
                json.array(self.document.headers) { json, header in
                    json.object { json in
                        json.key("name")
                        json.string(header.name)
                        json.key("value")
                        json.string(header.value)
                    }
                }
                json.key("text")
                self.writeBody(self.parameters.includesText ? body.text : nil, to: &json)
                json.key("html")
                self.writeBody(self.parameters.includesHTML ? body.html : nil, to: &json)
                json.key("attachments")
                json.array(body.attachments) { json, attachment in Attachment(attachment: attachment).write(to: &json) }
            }
        }

        private func writeBody(_ text: String?, to json: inout JSONWriter) {
            guard let text else { return json.null() }
            TextExcerpt(text, maxBytes: self.parameters.maxBytes).write(to: &json)
        }
    }

    /// One entry of a message's `attachments`; a forwarded message carries its summary in `message`.
    struct Attachment: JSONWritable {
        var attachment: MessageAttachment

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key("id")
                json.string(self.attachment.id)
                json.key("filename")
                json.string(self.attachment.filename)
                json.key("contentType")
                json.string(self.attachment.contentType)
                json.key("size")
                json.int(self.attachment.size)
                json.key("contentId")
                json.string(self.attachment.contentId)
                json.key("disposition")
                json.string(self.attachment.disposition == "attachment" ? "attachment" : "inline")
                json.key("message")
                if let embedded = self.attachment.message {
                    json.object { json in
                        Summary.writeHeaderFields(embedded, hasAttachments: embedded.hasAttachments, to: &json)
                    }
                } else {
                    json.null()
                }
            }
        }
    }

    struct Page: JSONWritable {
        var page: MessagePage

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key("total")
                json.int(self.page.total)
                json.key("messages")
                json.array(self.page.messages) { json, entry in
                    Summary(id: entry.id, size: entry.size, summary: entry.summary).write(to: &json)
                }
                json.key("nextCursor")
                json.string(self.page.nextCursor)
            }
        }
    }

    struct Mailbox: JSONWritable {
        var info: MailboxInfo

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key("count")
                json.int(self.info.count)
                json.key("size")
                json.int(self.info.size)
                json.key("capabilities")
                json.strings(self.info.capabilities)
                json.key("uidl")
                json.bool(self.info.uidl)
            }
        }
    }

    /// `{"status": ...}` of /healthz and /readyz.
    struct Status: JSONWritable {
        var status: String

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.key("status")
                json.string(self.status)
            }
        }
    }
}
