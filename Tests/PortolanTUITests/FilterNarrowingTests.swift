import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// Typing narrows the previous rows instead of searching every row again: the result must be the same.
@Suite struct FilterNarrowingTests {
    @Test func narrowingGivesTheSameRowsAsAFullSearch() {
        let model = Fixture.model()
        for view in [NavView.hosts, .routes, .services, .certificates, .findings, .files] {
            for query in ["e", "ex", "exa", "example", "example.o", "shop", "!x", "!xy", "blog/b"] {
                var previous: (filter: String, rows: [Int])? = nil
                var typed = ""
                for c in query {
                    typed.append(c)
                    let full = model.visibleRows(view, sort: 0, provider: nil, filter: typed)
                    let narrowed = model.visibleRows(view, sort: 0, provider: nil, filter: typed, narrowing: previous)
                    #expect(narrowed == full, "\(view) '\(typed)'")
                    previous = (typed, narrowed)
                }
            }
        }
    }

    @Test func typingAFilterInTheAppMatchesTheModel() {
        var s = Fixture.state(width: 120, height: 40)
        s = s.typing("/blog")
        let full = s.model!.visibleRows(.hosts, sort: s.list.sort, provider: nil, filter: "blog")
        #expect(s.list.rows == full)
        #expect(!full.isEmpty)
    }
}
