import Foundation
import Gateway
import Testing

/// Read-ahead (`MailboxService.Configuration.readAhead`, on in `serve` unless `--no-read-ahead`), against
/// the real Dovecot: after a listing page, the next page's summaries are fetched in the background.
@Suite struct GatewayReadAheadTests {
    /// Page two is answered from the summary cache, with exactly what a gateway without read-ahead
    /// answers; read-ahead goes one page ahead, and stops at the end of the mailbox (21 messages).
    @Test func nextPageIsFetchedInTheBackground() throws {
        let gateway = try GatewayFixture { $0.readAhead = true }
        let plain = try GatewayFixture()
        let first = try gateway.request("/v1/messages?limit=8")
        #expect(first.status == 200)
        let cursor = try #require(try first.json()["nextCursor"] as? String)
        #expect(GracefulShutdownTests.eventually { gateway.service.cache.statistics.summaryEntries == 16 })
        #expect(GracefulShutdownTests.eventually { gateway.service.pool.statistics.borrowedSessions == 0 })
        let hitsBefore = gateway.service.cache.statistics.summaryHits

        let second = try gateway.request("/v1/messages?limit=8&cursor=\(cursor)")
        #expect(second.status == 200)
        // All eight from the cache (the read-ahead of page three that follows only misses).
        #expect(gateway.service.cache.statistics.summaryHits == hitsBefore + 8, "page two needed TOP")
        let expected = try plain.request("/v1/messages?limit=8&cursor=\(cursor)")
        #expect(second.body == expected.body)

        #expect(GracefulShutdownTests.eventually { gateway.service.cache.statistics.summaryEntries == 21 })
        #expect(GracefulShutdownTests.eventually { gateway.service.pool.statistics.borrowedSessions == 0 })
        let last = try gateway.request(
            "/v1/messages?limit=8&cursor=\(try #require(try second.json()["nextCursor"] as? String))"
        )
        #expect(!(try last.json()["nextCursor"] is String), "the last page has no next one")
        #expect(gateway.service.pool.statistics.loginsSucceeded == 1, "read-ahead logged in again")
    }

    /// Without read-ahead (the tests' default), a listing fetches only its own page.
    @Test func offMeansOnePageOnly() throws {
        let gateway = try GatewayFixture()
        #expect(try gateway.request("/v1/messages?limit=8").status == 200)
        Thread.sleep(forTimeInterval: 0.2)
        #expect(gateway.service.cache.statistics.summaryEntries == 8)
    }
}
