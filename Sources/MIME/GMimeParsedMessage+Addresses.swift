import CGMime

extension GMimeParsedMessage {
    /// The mailboxes of one address header, groups replaced by their members.
    static func addresses(of message: UnsafeMutablePointer<GMimeMessage>, _ type: GMimeAddressType) -> [MailAddress] {
        var addresses: [MailAddress] = []
        self.appendMailboxes(of: g_mime_message_get_addresses(message, type), to: &addresses, depth: 0)
        return addresses
    }

    /// RFC 5322 groups hold only mailboxes; the depth limit keeps a group that somehow contains groups
    /// from recursing without end.
    private static let maximumGroupDepth = 4

    static func appendMailboxes(
        of list: UnsafeMutablePointer<InternetAddressList>?,
        to addresses: inout [MailAddress],
        depth: Int
    ) {
        guard let list, depth <= self.maximumGroupDepth else { return }
        for index in 0..<max(0, internet_address_list_length(list)) {
            guard let address = internet_address_list_get_address(list, index) else { continue }
            if let mailbox = pop3gw_address_as_mailbox(address) {
                guard let addr = String(borrowedCString: internet_address_mailbox_get_addr(mailbox)), !addr.isEmpty
                else { continue }
                // internet_address_get_name is already RFC 2047 decoded.
                let name = String(borrowedCString: internet_address_get_name(address))
                addresses.append(MailAddress(name: name?.isEmpty == false ? name : nil, address: addr))
            } else if let group = pop3gw_address_as_group(address) {
                self.appendMailboxes(of: internet_address_group_get_members(group), to: &addresses, depth: depth + 1)
            }
        }
    }
}
