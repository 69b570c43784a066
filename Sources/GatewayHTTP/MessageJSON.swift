import Gateway
import MIME

/// The JSON shapes of openapi.yaml. Absent values are `null`, never missing keys.
enum MessageJSON {
    struct Address: Encodable {
        var name: String?
        var address: String

        init(_ address: MailAddress) {
            self.name = address.name
            self.address = address.address
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.name, forKey: .name)
            try container.encode(self.address, forKey: .address)
        }

        enum CodingKeys: String, CodingKey {
            case name
            case address
        }
    }

    struct Summary: Encodable {
        var id: String
        var size: Int
        var summary: MessageSummary

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try self.encodeSummary(into: &container)
        }

        func encodeSummary(into container: inout KeyedEncodingContainer<CodingKeys>) throws {
            try container.encode(self.id, forKey: .id)
            try container.encode(self.size, forKey: .size)
            try container.encode(self.summary.date, forKey: .date)
            try container.encode(self.summary.subject, forKey: .subject)
            try container.encode(self.summary.from.map(Address.init), forKey: .from)
            try container.encode(self.summary.to.map(Address.init), forKey: .to)
            try container.encode(self.summary.cc.map(Address.init), forKey: .cc)
            try container.encode(self.summary.messageId, forKey: .messageId)
            try container.encode(self.summary.hasAttachments, forKey: .hasAttachments)
        }
    }

    struct Message: Encodable {
        var document: MessageDocument

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let summary = self.document.summary
            try Summary(id: self.document.id, size: self.document.size, summary: summary)
                .encodeSummary(into: &container)
            try container.encode(summary.replyTo.map(Address.init), forKey: .replyTo)
            try container.encode(summary.inReplyTo, forKey: .inReplyTo)
            try container.encode(summary.references, forKey: .references)
            try container.encode(self.document.headers, forKey: .headers)
        }
    }

    struct Page: Encodable {
        var page: MessagePage

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.page.total, forKey: .total)
            try container.encode(
                self.page.messages.map { Summary(id: $0.id, size: $0.size, summary: $0.summary) },
                forKey: .messages
            )
            try container.encode(self.page.nextCursor, forKey: .nextCursor)
        }
    }

    struct Mailbox: Encodable {
        var count: Int
        var size: Int
        var capabilities: [String]
        var uidl: Bool
    }

    enum CodingKeys: String, CodingKey {
        case id, size, date, subject, from, to, cc, messageId, hasAttachments
        case replyTo, inReplyTo, references, headers
        case total, messages, nextCursor
    }
}
