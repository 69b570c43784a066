import Gateway
import MIME

/// The JSON shapes of openapi.yaml. Absent values are `null`, never missing keys.
enum MessageJSON {
    struct Summary: JSONWritable {
        var id: String
        var size: Int
        var summary: MessageSummary

        func write(to json: inout JSONWriter) {
            json.object { json in self.writeFields(to: &json) }
        }

        func writeFields(to json: inout JSONWriter) {
            json.key("id")
            json.string(self.id)
            json.key("size")
            json.int(self.size)
            json.key("date")
            json.string(self.summary.date)
            json.key("subject")
            json.string(self.summary.subject)
            json.key("from")
            Self.write(self.summary.from, to: &json)
            json.key("to")
            Self.write(self.summary.to, to: &json)
            json.key("cc")
            Self.write(self.summary.cc, to: &json)
            json.key("messageId")
            json.string(self.summary.messageId)
            json.key("hasAttachments")
            json.bool(self.summary.hasAttachments)
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

    struct Message: JSONWritable {
        var document: MessageDocument

        func write(to json: inout JSONWriter) {
            let summary = self.document.summary
            json.object { json in
                Summary(id: self.document.id, size: self.document.size, summary: summary).writeFields(to: &json)
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
