import Testing
@testable import PortolanCore

@Suite struct KeyOrderTests {
    /// Sorts with KeyOrder and returns the keys in that order.
    static func sorted(_ keys: [[String]]) -> [[String]] {
        var order = KeyOrder(capacity: keys.count)
        for k in keys { order.add(k) }
        return order.order { keys[$0] }.map { keys[$0] }
    }

    @Test func asciiKeysSortAsStrings() {
        let names = ["web.example.com", "api.example.com", "a", "", "api.example.co", "Z", "api.example.com.", "*.example.com", "b-1", "b.1"]
        #expect(Self.sorted(names.map { [$0] }).map { $0[0] } == names.sorted())
    }

    @Test func partsSortOneAfterAnother() {
        // "team" sorts before "team-a" whatever the names: the parts are not compared as one string.
        let keys = [["team-a", "a"], ["team", "zz"], ["team", "z"], ["team-a", ""], ["", "x"]]
        #expect(Self.sorted(keys) == [["", "x"], ["team", "z"], ["team", "zz"], ["team-a", ""], ["team-a", "a"]])
        let byNamespacedName = keys.map { NamespacedName($0[0], $0[1]) }.sorted()
        #expect(Self.sorted(keys) == byNamespacedName.map { [$0.namespace, $0.name] })
    }

    @Test func nonASCIIKeysFallBackToStringOrder() {
        // "é" written precomposed and decomposed: equal as Strings, different as bytes.
        let keys = ["e\u{301}z", "\u{e9}a", "f", "ea", "\u{e9}b"]
        #expect(Self.sorted(keys.map { [$0] }).map { $0[0] } == keys.sorted())
        #expect(Self.sorted([["a\u{0}b"], ["a"], ["a\u{0}"]]).map { $0[0] } == ["a", "a\u{0}", "a\u{0}b"])
    }

    @Test func bothWaysOfOrderingStringsAgree() {
        let ids = ["b#1", "a#2", "b#0", "e\u{301}", "\u{e9}", "a#2", "Z"]
        let expected = ids.indices.sorted { ids[$0] < ids[$1] || (ids[$0] == ids[$1] && $0 < $1) }
        #expect(KeyOrder.order(of: ids) == expected)
        #expect(KeyOrder.orderInPlace(of: ids) == expected)
    }

    @Test func equalKeysKeepTheirOrder() {
        var order = KeyOrder()
        for k in ["b", "a", "b", "a", "b"] { order.add(k) }
        #expect(order.order { _ in [] } == [1, 3, 0, 2, 4])
    }
}
