import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// `x`: the URL prompt for the selected host, then the explanation over the screen.
@Suite struct ExplainKeyTests {
    static var onShop: AppState { Fixture.state(width: 120, height: 40).typing("/shop").after(.enter) }

    @Test func xOpensThePromptForTheSelectedHost() throws {
        let s = Self.onShop.after(.char("x"))
        guard case .explainPrompt(let p) = s.overlay else { Issue.record("no prompt: \(s.overlay)"); return }
        #expect(p.shownHost == "shop.example.com")
        #expect(p.scheme == "https", "the host has TLS")
        #expect(p.path == "/")
        #expect(s.contexts == [.explain])
        // Typing edits the path; Tab switches the scheme; Backspace deletes.
        let typed = s.typing("api/v1x").after(.key(.backspace), .tab)
        guard case .explainPrompt(let q) = typed.overlay else { Issue.record("prompt closed"); return }
        #expect(q.path == "/api/v1")
        #expect(q.url == "http://shop.example.com/api/v1")
        #expect(s.after(.esc).overlay == .none)
    }

    @Test func enterShowsTheExplanationAndEscCloses() throws {
        let s = Self.onShop.after(.char("x")).typing("api/orders").after(.enter)
        guard case .explanation(let v) = s.overlay else { Issue.record("no explanation: \(s.overlay)"); return }
        #expect(v.url == "https://shop.example.com/api/orders")
        #expect(v.served)
        let text = v.lines.joined(separator: "\n")
        // ingress-nginx (here "nginx"): /api is longer than /; the Traefik route for /admin does not match.
        #expect(text.contains("winner:      Ingress shop/web  Prefix /api  (estate/shop.yaml:50)"))
        #expect(text.contains("backend:     shop/api:8080"))
        #expect(text.contains("longer path"))
        #expect(text.contains("PathPrefix(`/admin`) does not hold (path /api/orders)"))
        #expect(s.contexts == [.explanation])
        // Scrolling stays inside the text; Esc closes.
        let scrolled = s.after(.key(.pageDown), .key(.pageDown), .key(.pageDown))
        guard case .explanation(let w) = scrolled.overlay else { Issue.record("closed"); return }
        #expect(w.offset == Screen.explanationMaxOffset(scrolled, w))
        #expect(s.after(.esc).overlay == .none)
        #expect(s.after(.char("x")).overlay == .none)
    }

    @Test func aWholeURLAndABadOne() {
        let whole = Self.onShop.after(.char("x"), .key(.backspace)).typing("http://blog.example.com/").after(.enter)
        guard case .explanation(let v) = whole.overlay else { Issue.record("no explanation"); return }
        #expect(v.url == "http://blog.example.com/")
        let bad = Self.onShop.after(.char("x")).typing("a b").after(.enter)
        #expect(bad.status?.isError == true)
        if case .explainPrompt = bad.overlay {} else { Issue.record("the prompt should stay open") }
    }

    @Test func routesViewStartsWithTheRoutePathOtherViewsSayWhy() {
        let s = Fixture.state().after(.char("2")).typing("/admin").after(.enter, .char("x"))
        guard case .explainPrompt(let p) = s.overlay else { Issue.record("no prompt"); return }
        #expect(p.shownHost == "shop.example.com" && p.path == "/admin")
        let f = Fixture.state().after(.char("5"), .char("x"))
        #expect(f.overlay == .none)
        #expect(f.status?.isError == true)
    }

    @Test func wildcardAndCatchAllHostsAreAskedWithAName() {
        #expect(ExplainPrompt(shownHost: "*.example.com", scheme: "https").url == "https://any.example.com/")
        #expect(ExplainPrompt(shownHost: "*", scheme: "http", path: "x").url == "http://any.invalid/x")
    }

    @Test func screens() {
        assertScreen(Fixture.state().typing("/shop").after(.enter, .char("x")).typing("api").screen, named: "explain-prompt-80x24")
        assertScreen(Self.onShop.after(.char("x")).typing("api/orders").after(.enter).screen, named: "explain-120x40")
    }
}
