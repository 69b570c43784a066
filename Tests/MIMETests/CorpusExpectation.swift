import MIME

/// What a corpus `.json` file says a message must parse to. Only the keys the file has are checked.
struct CorpusExpectation: Decodable, Sendable {
    /// One entry of `attachments`.
    struct Attachment: Decodable, Sendable {
        var id: CheckedField<String>
        var filename: CheckedField<String>
        var contentType: CheckedField<String>
        var size: CheckedField<Int>
        /// Lower-case hex SHA-256 of the decoded bytes.
        var sha256: CheckedField<String>
        var contentId: CheckedField<String>
        var disposition: CheckedField<String>
        /// For a message/rfc822 part: the embedded message's summary.
        var message: CheckedField<EmbeddedMessage>

        private enum CodingKeys: String, CodingKey {
            case id, filename, contentType, size, sha256, contentId, disposition, message
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.id = try container.checkedField(.id)
            self.filename = try container.checkedField(.filename)
            self.contentType = try container.checkedField(.contentType)
            self.size = try container.checkedField(.size)
            self.sha256 = try container.checkedField(.sha256)
            self.contentId = try container.checkedField(.contentId)
            self.disposition = try container.checkedField(.disposition)
            self.message = try container.checkedField(.message)
        }
    }

    /// The `message` of a message/rfc822 attachment.
    struct EmbeddedMessage: Decodable, Sendable {
        var subject: CheckedField<String>
        var from: CheckedField<[MailAddress]>

        private enum CodingKeys: String, CodingKey {
            case subject, from
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.subject = try container.checkedField(.subject)
            self.from = try container.checkedField(.from)
        }
    }

    var subject: CheckedField<String>
    var from: CheckedField<[MailAddress]>
    var to: CheckedField<[MailAddress]>
    var cc: CheckedField<[MailAddress]>
    /// ISO 8601 in the message's own offset.
    var date: CheckedField<String>
    var messageId: CheckedField<String>
    var text: CheckedField<String>
    var html: CheckedField<String>
    var attachments: CheckedField<[Attachment]>

    private enum CodingKeys: String, CodingKey {
        case subject, from, to, cc, date, messageId, text, html, attachments
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.subject = try container.checkedField(.subject)
        self.from = try container.checkedField(.from)
        self.to = try container.checkedField(.to)
        self.cc = try container.checkedField(.cc)
        self.date = try container.checkedField(.date)
        self.messageId = try container.checkedField(.messageId)
        self.text = try container.checkedField(.text)
        self.html = try container.checkedField(.html)
        self.attachments = try container.checkedField(.attachments)
    }
}
