import Foundation
import Testing
@testable import PortolanCore

/// Loads a review fixture and explains URLs against it.
enum Review {
    static let now = UTCDate.parse("2026-12-01")!

    static func estate(_ name: String, profile: ControllerProfile = ControllerProfile()) -> Estate {
        var o = LoadOptions(paths: [Fixtures.path("review/\(name)")])
        o.displayRelativeTo = Fixtures.path("review")
        var options = AnalysisOptions()
        options.now = now
        options.profile = profile
        return Analyzer.run(Loader.load(o), options: options)
    }

    static func explain(_ url: String, in name: String, headers: [String: String] = [:], profile: ControllerProfile = ControllerProfile()) throws -> Explanation {
        Explainer.run(estate(name, profile: profile), try ExplainRequest.parse(url, headers: headers))
    }
}

extension Explanation {
    func answer(_ controller: String) -> ExplainAnswer? { answers.first { $0.controller == controller } }
}

extension ExplainHop {
    /// `Kind ns/name#rule` of the shadowed routes, for compact expectations.
    var shadowedIDs: [String] { shadowed.map(\.route.id) }
    func reason(_ id: String) -> String? { (shadowed + unmatched).first { $0.route.id == id }?.reason }
}

@Suite struct ExplainRequestTests {
    @Test func parsesSchemeHostPortPathQuery() throws {
        let r = try ExplainRequest.parse("HTTPS://Shop.Example.COM.:8443/api/v1?x=1&flag#frag")
        #expect(r.scheme == "https")
        #expect(r.host == "shop.example.com")
        #expect(r.port == 8443)
        #expect(r.path == "/api/v1")
        #expect(r.query == [.init("x", "1"), .init("flag", nil)])
        #expect(r.url == "https://shop.example.com:8443/api/v1?x=1&flag")
        #expect(!r.schemeAssumed)
    }

    @Test func defaultsAndErrors() throws {
        let r = try ExplainRequest.parse("shop.example.com")
        #expect(r.scheme == "https" && r.path == "/" && r.schemeAssumed)
        #expect(r.effectivePort == 443)
        #expect(throws: ExplainRequest.ParseError.self) { try ExplainRequest.parse("ftp://x.example.com/") }
        #expect(throws: ExplainRequest.ParseError.self) { try ExplainRequest.parse("https://:80/") }
        #expect(throws: ExplainRequest.ParseError.self) { try ExplainRequest.parse("https://x.example.com:99999/") }
        #expect(throws: ExplainRequest.ParseError.self) { try ExplainRequest.parse("https://*.example.com/") }
        #expect(throws: ExplainRequest.ParseError.self) { try ExplainRequest.parse("https://a b/") }
    }

    @Test func pathMatching() {
        #expect(PathMatching.elementPrefix("/foo/bar", "/foo/bar/baz"))
        #expect(PathMatching.elementPrefix("/foo/bar/", "/foo/bar"))
        #expect(!PathMatching.elementPrefix("/foo/bar", "/foo/barbaz"))
        #expect(PathMatching.elementPrefix("/", "/anything"))
        #expect(PathMatching.stringPrefix("/products", "/products-for-sale"))
        #expect(RegexMatching.matches("/x/[0-9]+", "/x/42", mode: .full) == true)
        #expect(RegexMatching.matches("/x/[0-9]+", "/x/42/y", mode: .full) == false)
        #expect(RegexMatching.matches("/X", "/x/42/y", mode: .prefix, caseInsensitive: true) == true)
        #expect(RegexMatching.matches("(", "/", mode: .full) == nil)
        #expect(HostMatch.of("*.example.com", host: "a.b.example.com", multiLabel: false) == nil)
        #expect(HostMatch.of("*.example.com", host: "a.b.example.com", multiLabel: true) == .wildcard(12))
        #expect(HostMatch.of("*.example.com", host: "example.com", multiLabel: true) == nil)
        #expect(HostMatch.of("*", host: "x", multiLabel: false) == .catchAll)
    }
}

/// One winner per controller, the shadowed routes named with the reason.
@Suite struct ExplainPrecedenceTests {
    @Test func traefikPriorityThenRuleLength() throws {
        let x = try Review.explain("https://app.example.com/api/v1/items", in: "traefik-priority.yaml")
        #expect(x.served)
        let a = try #require(x.answer("traefik"))
        #expect(a.family == .traefik)
        let hop = try #require(a.hops.first)
        // The Ingress's rule Host(`app.example.com`) && Path(`/api/v1/items`) is 48 characters long.
        #expect(hop.winner?.id == "ingress/Ingress/app/items#0.0")
        #expect(hop.winnerDetail.contains("priority 48"))
        #expect(hop.shadowedIDs == ["traefik/IngressRoute/app/app#0.0", "traefik/IngressRoute/app/fallback#0.0", "traefik/IngressRoute/app/app#1.0"])
        #expect(hop.reason("traefik/IngressRoute/app/app#0.0")?.contains("priority 45 (the rule's length)") == true)
        // An explicit low priority loses although its path is longer.
        #expect(hop.reason("traefik/IngressRoute/app/app#1.0")?.contains("this one priority 10") == true)
        #expect(hop.reason("traefik/IngressRoute/app/app#2.0")?.contains("X-Canary") == true)
        #expect(hop.backends.map(\.display) == ["app/items:80"])
        // The certificate is chosen by SNI from Traefik's store, with its names and expiry.
        let cert = try #require(hop.certificate)
        #expect(cert.id == "secret/app/app-tls" && cert.covers)
        #expect(cert.names == ["app.example.com", "*.app.example.com"])
        #expect(cert.daysLeft == 397)
    }

    @Test func traefikHeaderMatcherWithTheHeader() throws {
        let x = try Review.explain("https://app.example.com/api/v1/users", in: "traefik-priority.yaml", headers: ["X-Canary": "1"])
        let hop = try #require(x.answer("traefik")?.hops.first)
        #expect(hop.winner?.id == "traefik/IngressRoute/app/app#2.0")
        #expect(hop.winnerDetail == "priority 500")
        #expect(hop.backends.map(\.display) == ["app/canary:80"])
    }

    @Test func gatewaySpecificityChain() throws {
        // Exact beats every prefix; the wildcard host loses although its prefix is longer.
        var hop = try #require(try Review.explain("https://shop.example.com/api/v1/items", in: "gateway-precedence.yaml").answers.first?.hops.first)
        let api = "gateway-api/HTTPRoute/shop/api#"
        let at = "@Gateway/gateway/public/https"
        #expect(hop.winner?.id == api + "3.0" + at)
        #expect(hop.reason(api + "0.0" + at)?.hasPrefix("match type") == true)
        #expect(hop.reason("gateway-api/HTTPRoute/shop/wide#0.0" + at)?.hasPrefix("more specific host name") == true)
        // Without an exact match: the method match wins over the plain prefix.
        hop = try #require(try Review.explain("https://shop.example.com/api/v2", in: "gateway-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.id == api + "1.0" + at)
        #expect(hop.reason(api + "0.0" + at)?.hasPrefix("method match") == true)
        #expect(hop.reason(api + "2.0" + at)?.contains("x-env") == true)
        // With the header, the rule with method and header wins.
        hop = try #require(try Review.explain("https://shop.example.com/api/v2", in: "gateway-precedence.yaml", headers: ["x-env": "prod"]).answers.first?.hops.first)
        #expect(hop.winner?.id == api + "2.0" + at)
        #expect(hop.reason(api + "1.0" + at)?.hasPrefix("more header matches") == true)
    }

    @Test func gatewayAgeThenNamespaceName() throws {
        var hop = try #require(try Review.explain("https://tie.example.com/", in: "gateway-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.name == "zeta")
        #expect(hop.shadowed.map(\.route.name) == ["alpha"])
        #expect(hop.shadowed[0].reason.hasPrefix("created later"))
        let x = try Review.explain("https://names.example.com/", in: "gateway-precedence.yaml")
        hop = try #require(x.answers.first?.hops.first)
        #expect(hop.winner?.namespace == "a-team")
        #expect(hop.shadowed.first?.reason.contains("namespace/name order decides") == true)
        #expect(x.notes.contains { $0.contains("creation times") })
        // The wildcard listener certificate covers one label.
        #expect(hop.certificate?.covers == true)
        #expect(hop.certificate?.reason == "wildcard *.example.com")
    }

    @Test func contourExactRegexPrefixAndVirtualHosts() throws {
        var hop = try #require(try Review.explain("https://app.example.com/api/v1/items", in: "contour-precedence.yaml").answer("contour")?.hops.first)
        #expect(hop.winner?.id == "contour/HTTPProxy/app/app#2.0")
        #expect(hop.shadowedIDs == ["contour/HTTPProxy/app/app#1.0", "contour/HTTPProxy/app/app#0.0", "contour/HTTPProxy/app/wildcard#0.0"])
        #expect(hop.reason("contour/HTTPProxy/app/app#1.0")?.hasPrefix("longer path") == true)
        #expect(hop.reason("contour/HTTPProxy/app/wildcard#0.0")?.hasPrefix("not consulted: the virtual host for app.example.com") == true)
        #expect(hop.reason("contour/HTTPProxy/app/app#4.0")?.contains("x-canary") == true)
        // Exact before prefix.
        hop = try #require(try Review.explain("https://app.example.com/api/v1/health", in: "contour-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.id == "contour/HTTPProxy/app/app#3.0")
        #expect(hop.reason("contour/HTTPProxy/app/app#2.0")?.hasPrefix("exact before regex before prefix") == true)
        // HTTPProxy prefixes compare characters: /api matches /apiary.
        hop = try #require(try Review.explain("https://app.example.com/apiary", in: "contour-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.id == "contour/HTTPProxy/app/app#1.0")
        // With the header, the header condition route matches but a longer prefix still wins.
        hop = try #require(try Review.explain("https://app.example.com/api/x", in: "contour-precedence.yaml", headers: ["x-canary": "yes"]).answers.first?.hops.first)
        #expect(hop.winner?.id == "contour/HTTPProxy/app/app#4.0")
        #expect(hop.reason("contour/HTTPProxy/app/app#1.0")?.hasPrefix("more header conditions") == true)
    }

    @Test func nginxLongestPathExactBeforePrefixAndServerBlocks() throws {
        var hop = try #require(try Review.explain("https://shop.example.com/api/v1/items", in: "nginx-precedence.yaml").answer("ingress-nginx")?.hops.first)
        #expect(hop.winner?.id == "ingress/Ingress/shop/shop#0.2")
        #expect(hop.reason("ingress/Ingress/shop/shop#0.1")?.hasPrefix("longer path") == true)
        #expect(hop.reason("ingress/Ingress/shop/wildcard#0.0")?.hasPrefix("not consulted: the server block for shop.example.com") == true)
        hop = try #require(try Review.explain("https://shop.example.com/api/v1", in: "nginx-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.id == "ingress/Ingress/shop/shop#0.3")
        #expect(hop.reason("ingress/Ingress/shop/shop#0.2")?.hasPrefix("Exact before Prefix") == true)
        // Prefix compares elements: /api does not match /apiv2.
        hop = try #require(try Review.explain("https://shop.example.com/apiv2", in: "nginx-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.id == "ingress/Ingress/shop/shop#0.0")
        #expect(hop.reason("ingress/Ingress/shop/shop#0.1")?.contains("element by element") == true)
        // The same path in two Ingresses: one is kept.
        hop = try #require(try Review.explain("https://shop.example.com/api", in: "nginx-precedence.yaml").answers.first?.hops.first)
        #expect(hop.winner?.id == "ingress/Ingress/shop/shop#0.1")
        #expect(hop.reason("ingress/Ingress/shop/shop-copy#0.0")?.contains("the same path twice") == true)
        // A wildcard server block alone: nothing matches / there.
        let x = try Review.explain("https://other.example.com/", in: "nginx-precedence.yaml")
        #expect(!x.served)
        #expect(x.answers.first?.hops.first?.outcome.contains("404") == true)
    }
}

@Suite struct ExplainRedirectTests {
    @Test func nginxSSLRedirectByDefaultAndOff() throws {
        let x = try Review.explain("http://shop.example.com/api", in: "nginx-precedence.yaml")
        let hops = try #require(x.answer("ingress-nginx")?.hops)
        #expect(hops.count == 2)
        #expect(hops[0].redirect?.status == 308)
        #expect(hops[0].redirect?.location == "https://shop.example.com/api")
        #expect(hops[0].redirect?.by.contains("ssl-redirect") == true)
        #expect(hops[0].backends.isEmpty)
        #expect(hops[1].backends.map(\.display) == ["shop/api:80"])
        #expect(hops[1].certificate?.id == "certificate/shop/shop")
        let plain = try #require(try Review.explain("http://plain.example.com/", in: "nginx-precedence.yaml").answers.first?.hops)
        #expect(plain.count == 1 && plain[0].redirect == nil)
        #expect(plain[0].backends.map(\.display) == ["shop/web:80"])
    }

    @Test func contourPermitInsecure() throws {
        let redirected = try #require(try Review.explain("http://app.example.com/api", in: "contour-precedence.yaml").answers.first?.hops)
        #expect(redirected.count == 2)
        #expect(redirected[0].redirect?.status == 301)
        #expect(redirected[0].redirect?.by.contains("permitInsecure") == true)
        let insecure = try #require(try Review.explain("http://app.example.com/api/v1/health", in: "contour-precedence.yaml").answers.first?.hops)
        #expect(insecure.count == 1 && insecure[0].redirect == nil)
        #expect(insecure[0].backends.map(\.display) == ["app/health:80"])
    }

    @Test func traefikRedirectSchemeMiddleware() throws {
        let x = try Review.explain("http://www.example.com/a?b=1", in: "redirects.yaml")
        let hops = try #require(x.answer("traefik")?.hops)
        #expect(hops.count == 2)
        #expect(hops[0].winner?.name == "redirect")
        #expect(hops[0].redirect == ExplainRedirect(status: 301, location: "https://www.example.com/a?b=1",
                                                   by: "Middleware app/to-https redirectScheme", source: hops[0].redirect?.source))
        #expect(hops[0].middlewares.first?.hasPrefix("Middleware app/to-https (redirectScheme)") == true)
        #expect(hops[1].winner?.name == "www")
        #expect(hops[1].certificate?.covers == true)
    }

    @Test func traefikWebsecureOnlyRouteAndEntryPointRedirect() throws {
        let x = try Review.explain("http://secure.example.com/", in: "redirects.yaml")
        #expect(!x.served)
        let hop = try #require(x.answers.first?.hops.first)
        #expect(hop.winner == nil)
        #expect(hop.unmatched.first?.reason == "router only on TLS entry point websecure (HTTPS)")
        var profile = ControllerProfile()
        profile.traefik.entryPointRedirects = ["web": "websecure"]
        let y = try Review.explain("http://secure.example.com/", in: "redirects.yaml", profile: profile)
        #expect(y.served)
        let hops = try #require(y.answers.first?.hops)
        #expect(hops.count == 2)
        #expect(hops[0].redirect?.by.hasPrefix("Traefik entry point web redirects to websecure") == true)
        #expect(hops[1].winner?.name == "secure")
    }

    @Test func gatewayRequestRedirectFilter() throws {
        let x = try Review.explain("http://gw.example.com/x", in: "redirects.yaml")
        let hops = try #require(x.answers.first?.hops)
        #expect(hops.count == 2)
        #expect(hops[0].winner?.name == "gw-redirect")
        #expect(hops[0].redirect?.status == 301)
        #expect(hops[0].redirect?.location == "https://gw.example.com/x")
        #expect(hops[1].winner?.name == "gw")
        #expect(hops[1].backends.map(\.display) == ["app/web:80"])
    }

    @Test func aRedirectToNowhereAndALoopAreNotServed() throws {
        let dead = try Review.explain("http://dead.example.com/", in: "redirects.yaml")
        let hops = try #require(dead.answer("traefik")?.hops)
        #expect(hops.count == 2)
        #expect(hops[0].redirect?.location == "https://dead.example.com/")
        #expect(hops[1].winner == nil)
        #expect(!dead.served)
        let loop = try Review.explain("http://loop.example.com/a", in: "redirects.yaml")
        let a = try #require(loop.answers.first)
        #expect(a.redirectLoop)
        #expect(a.hops.map(\.url) == ["http://loop.example.com/a", "https://loop.example.com/a"])
        #expect(a.hops.last?.outcome.contains("a redirect loop") == true)
        #expect(a.hops[0].redirect?.status == 302, "RequestRedirect defaults to 302")
        #expect(!loop.served)
    }

    @Test func nothingClaimsTheHost() throws {
        let x = try Review.explain("https://nowhere.example.org/", in: "redirects.yaml")
        #expect(!x.served)
        #expect(x.answers.isEmpty)
        #expect(x.notes.contains("no route in the input claims the host nowhere.example.org"))
    }
}
