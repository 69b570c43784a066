import Testing

@testable import HTTPServer

@Suite struct ConnectionMemoTests {
    /// The value is made once per key, made again when the key changes, and a failure is not remembered.
    @Test func remembersTheLastKeyOnly() {
        let memo = ConnectionMemo()
        var made = 0
        let make = { () -> Int in
            made += 1
            return made
        }
        #expect(memo.value(for: "a", make) == 1)
        #expect(memo.value(for: "a", make) == 1)
        #expect(memo.value(for: "b", make) == 2)
        #expect(memo.value(for: "a", make) == 3)
        struct Refused: Error {}
        #expect(throws: Refused.self) { try memo.value(for: "c") { () throws(Refused) -> Int in throw Refused() } }
        #expect(memo.value(for: "a", make) == 3, "a failure replaced nothing")
        #expect(memo.value(for: "c", make) == 4)
    }

    /// A value stored under a key is never handed out as another type.
    @Test func typesDoNotMix() {
        let memo = ConnectionMemo()
        #expect(memo.value(for: "k") { 1 } == 1)
        #expect(memo.value(for: "k") { "text" } == "text")
    }
}
