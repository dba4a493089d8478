import Testing
@testable import PortolanCore

/// The Traefik rule parser, checker and DNF expansion.
@Suite struct TraefikRuleTests {
    func parse(_ s: String) throws -> TraefikRuleExpr {
        switch TraefikRule.parse(s) {
        case .success(let e): return e
        case .failure(let e): throw e
        }
    }

    func error(_ s: String) -> TraefikRuleError? {
        if case .failure(let e) = TraefikRule.parse(s) { return e }
        return nil
    }

    func alternatives(_ s: String) throws -> [TraefikRuleAlternative] {
        TraefikRule.expand(try parse(s)).alternatives
    }

    static func host(_ args: String...) -> TraefikRuleExpr { .matcher(TraefikMatcher(kind: .host, arguments: args)) }
    static func m(_ k: TraefikMatcherKind, _ args: String...) -> TraefikRuleExpr { .matcher(TraefikMatcher(kind: k, arguments: args)) }

    // MARK: Parsing

    @Test func singleMatcher() throws {
        let e = try parse("Host(`shop.example.com`)")
        #expect(e == Self.host("shop.example.com"))
        guard case .matcher(let m) = e else { Issue.record("not a matcher"); return }
        #expect(m.offset == 1)
        #expect(m.argumentOffsets == [6])
    }

    @Test func precedenceAndOverOr() throws {
        let e = try parse("Host(`a`) || Host(`b`) && PathPrefix(`/x`)")
        #expect(e == .or([Self.host("a"), .and([Self.host("b"), Self.m(.pathPrefix, "/x")])]))
    }

    @Test func chainsAreNary() throws {
        let e = try parse("Host(`a`) && Path(`/p`) && Method(`GET`)")
        #expect(e == .and([Self.host("a"), Self.m(.path, "/p"), Self.m(.method, "GET")]))
    }

    @Test func nestedParentheses() throws {
        let e = try parse("((Host(`a`) || (Host(`b`))) && (PathPrefix(`/x`) || PathPrefix(`/y`)))")
        #expect(e == .and([.or([Self.host("a"), Self.host("b")]), .or([Self.m(.pathPrefix, "/x"), Self.m(.pathPrefix, "/y")])]))
    }

    @Test func negation() throws {
        #expect(try parse("!Host(`a`)") == .not(Self.host("a")))
        #expect(try parse("! ! Host(`a`)") == .not(.not(Self.host("a"))))
        #expect(try parse("Host(`a`) && !(PathPrefix(`/x`) || Method(`POST`))")
                == .and([Self.host("a"), .not(.or([Self.m(.pathPrefix, "/x"), Self.m(.method, "POST")]))]))
    }

    @Test func v2MultiArgumentHost() throws {
        #expect(try parse("Host(`a.com`, `b.com`)") == Self.host("a.com", "b.com"))
        #expect(try parse("Host(`a.com`,`b.com`,)") == Self.host("a.com", "b.com"))   // Go allows a trailing comma
    }

    @Test func matcherSpellings() throws {
        // Traefik registers Name, lower, UPPER and Title case.
        #expect(try parse("host(`a`)") == Self.host("a"))
        #expect(try parse("HOST(`a`)") == Self.host("a"))
        #expect(try parse("Pathprefix(`/a`)") == Self.m(.pathPrefix, "/a"))
        #expect(try parse("HostSNI(`a`) && alpn(`h2`)") == .and([Self.m(.hostSNI, "a"), Self.m(.alpn, "h2")]))
        let e = error("hostSni(`a`)")
        #expect(e?.offset == 1)
        #expect(e?.message.contains("unknown matcher `hostSni`") == true)
    }

    @Test func everyMatcherParses() throws {
        for k in TraefikMatcherKind.allCases {
            let e = try parse("\(k.rawValue)(`x`)")
            #expect(e == Self.m(k, "x"))
        }
    }

    @Test func quotes() throws {
        #expect(try parse("Host(\"a.com\")") == Self.host("a.com"))
        #expect(try parse(#"Header("X-Tab", "a\tb\"c\\d")"#) == Self.m(.header, "X-Tab", "a\tb\"c\\d"))
        #expect(try parse(#"Path("/caf\u00e9\x21\101")"#) == Self.m(.path, "/café!A"))
        #expect(try parse(#"PathRegexp(`^/x/\d+$`)"#) == Self.m(.pathRegexp, #"^/x/\d+$"#))   // raw: no escapes
        #expect(try parse("Path(`/a\r\nb`)") == Self.m(.path, "/a\nb"))                      // raw strings drop CR
    }

    @Test func regexps() throws {
        let e = try parse(#"HostRegexp(`^[a-z]+\.example\.com$`) && PathRegexp(`^/api/v[0-9]+/`)"#)
        let alts = TraefikRule.expand(e).alternatives
        #expect(alts.count == 1)
        #expect(alts[0].hosts.isEmpty)
        #expect(alts[0].hostRegexps == [#"^[a-z]+\.example\.com$"#])
        #expect(alts[0].routeHosts == ["*"])
        #expect(alts[0].path == "^/api/v[0-9]+/")
        #expect(alts[0].pathType == "PathRegexp")
        // v2 template form
        #expect(try parse("HostRegexp(`{sub:[a-z]+}.example.com`, `example.org`)") == Self.m(.hostRegexp, "{sub:[a-z]+}.example.com", "example.org"))
    }

    @Test func whitespaceAndLineBreaks() throws {
        #expect(try parse("  Host(`a`)\t&&\n  PathPrefix(`/x`)\n") == .and([Self.host("a"), Self.m(.pathPrefix, "/x")]))
        #expect(try parse("Host(`a`) // comment\n") == Self.host("a"))
        #expect(try parse("Host(`a`) /* b */ || Host(`c`)") == .or([Self.host("a"), Self.host("c")]))
        // Go inserts a semicolon at a line break after `)`: an operator at the start of the next line is an error.
        let e = error("Host(`a`)\n&& Path(`/`)")
        #expect(e?.offset == 11)
        #expect(e?.message.contains("line break") == true)
        // ...and a line break inside an argument list after a value is one too.
        #expect(error("Host(`a`\n)")?.message.contains("line break") == true)
    }

    // MARK: Rendering

    @Test func renderRoundTrips() throws {
        let rules = [
            "Host(`a`) || Host(`b`) && PathPrefix(`/x`)",
            "(Host(`a`) || Host(`b`)) && !(PathPrefix(`/x`) && Method(`GET`))",
            "!!Host(`a`)",
            "Host(`a`) && (Host(`b`) && Path(`/c`))",
            "Host(`a`) || (Host(`b`) || Host(`c`))",
            "Header(`X`, \"back`tick\") && Query(`k`)",
            "host(`A.COM`, `b.com`)",
        ]
        for r in rules {
            let e = try parse(r)
            let text = TraefikRule.render(e)
            #expect(try parse(text) == e, "\(r) → \(text)")
        }
        #expect(TraefikRule.render(try parse("host(`a`)&&(Path(`/`)||Path(`/b`))")) == "Host(`a`) && (Path(`/`) || Path(`/b`))")
        #expect(TraefikRule.render(Self.m(.header, "k", "a`b")) == "Header(`k`, \"a`b\")")
    }

    // MARK: Errors

    @Test func errorsCarryTheirColumn() {
        let cases: [(String, Int, String)] = [
            ("Host(`a`", 9, "`)`"),
            ("Host(`a`) &&", 13, "matcher was expected"),
            ("Host(`a` `b`)", 10, "`,` or `)`"),
            ("Host('a')", 6, "single quotes"),
            ("Host(`a`) & Path(`/`)", 11, "`&&`"),
            ("Host(`a`) | Path(`/`)", 11, "`||`"),
            ("Host(`a)", 6, "not terminated"),
            ("Host(\"a)", 6, "not terminated"),
            ("Host(\"a\\qb\")", 8, "unknown escape"),
            ("Hots(`a`)", 1, "unknown matcher `Hots`"),
            ("Host `a`", 6, "`(`"),
            ("Host(a.com)", 6, "strings"),
            ("Host(42)", 6, "strings"),
            ("(Host(`a`)", 11, "`)` to close the `(` at column 1"),
            ("Host(`a`))", 10, "unexpected `)`"),
            ("Host(`a`) Path(`/`)", 11, "`&&` or `||`"),
            ("`a`", 1, "argument of a matcher"),
            ("", 1, "empty"),
            ("   \n ", 1, "empty"),
            ("Host(`a`) == Host(`b`)", 11, "unexpected `=`"),
            ("Host(`é`) && Pâth(`/`)", 14, "unknown matcher `Pâth`"),
            ("Host(`a`) &&\u{00A0}Path(`/`)", 13, "U+00A0"),
        ]
        for (rule, column, fragment) in cases {
            let e = error(rule)
            #expect(e != nil, "\(rule) should not parse")
            #expect(e?.offset == column, "\(rule): \(e?.description ?? "")")
            #expect(e?.message.contains(fragment) == true, "\(rule): \(e?.description ?? "")")
        }
    }

    @Test func limits() {
        // Length.
        let long = "Host(`" + String(repeating: "a", count: TraefikRule.maxLength) + "`)"
        let e1 = error(long)
        #expect(e1?.offset == 1)
        #expect(e1?.message.contains("65536") == true)
        // Hosts.
        let hosts = Array(repeating: "`h`", count: TraefikRule.maxHosts + 1).joined(separator: ",")
        let e2 = error("Host(" + hosts + ")")
        #expect(e2?.message.contains("10000 hosts") == true)
        // Nesting (no stack overflow, a clean error).
        let deep = String(repeating: "(", count: 5000) + "Host(`a`)" + String(repeating: ")", count: 5000)
        let e3 = error(deep)
        #expect(e3?.offset == TraefikRule.maxDepth + 1)
        #expect(e3?.message.contains("limit") == true)
        let nots = String(repeating: "!", count: 20000) + "Host(`a`)"
        #expect(error(nots)?.message.contains("limit") == true)
    }

    @Test func longChainsStayFast() throws {
        // Thousands of matchers joined by && / ||: parsing and expansion stay linear-ish.
        let and = Array(repeating: "Method(`GET`)", count: 4000).joined(separator: "&&")
        #expect(and.utf8.count < TraefikRule.maxLength)
        let x = TraefikRule.expand(try parse(and))
        #expect(x.alternatives.count == 1)
        #expect(x.alternatives[0].conditions.count == 4000)
        let or = (0..<4000).map { "Host(`h\($0)`)" }.joined(separator: "||")
        #expect(or.utf8.count < TraefikRule.maxLength)
        let y = TraefikRule.expand(try parse(or))
        #expect(y.alternatives.count == TraefikRule.maxAlternatives)
        #expect(y.truncated)
        #expect(y.total == nil)
        // A product of many disjunctions: capped, not exponential.
        let product = (0..<1000).map { "(Host(`a\($0)`) || Method(`GET`))" }.joined(separator: " && ")
        let z = TraefikRule.expand(try parse(product))
        #expect(z.truncated)
        #expect(z.alternatives.count <= TraefikRule.maxAlternatives)
    }

    @Test func bigHostListsStayFast() throws {
        // Two v2 Host matchers with thousands of names each: the intersection is not quadratic.
        let a = (0..<4000).map { "`h\($0)`" }.joined(separator: ",")
        let b = (2000..<6000).map { "`h\($0)`" }.joined(separator: ",")
        let rule = "Host(\(a)) && Host(\(b))"
        #expect(rule.utf8.count < TraefikRule.maxLength)
        let alts = TraefikRule.expand(try parse(rule)).alternatives
        #expect(alts.count == 1)
        #expect(alts[0].hosts.count == 2000)
        #expect(alts[0].hosts.first == "h2000")
    }

    @Test func mutatedRulesNeverCrash() throws {
        // Deterministic fuzzing: mutate valid rules; every result either parses (and then round-trips through
        // render, checks and expands) or fails with an offset inside the rule.
        let seeds = [
            "(Host(`a.com`) || Host(\"b.com\")) && !PathPrefix(`/x`) && Header(`k`, `v`)",
            "HostSNI(`db`) || (ClientIP(`10.0.0.0/8`) && ALPN(`h2`))",
            "Host(`a`, `b`,) && (Path(`/p`, `/q`) || Query(`k=v`)) // c",
        ]
        let alphabet = Array("()!&|`\"\\,' \n\tHostPath/x*é\u{0}")
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for i in 0..<3000 {
            var chars = Array(seeds[i % seeds.count])
            for _ in 0...(next() % 4) {
                let at = next() % (chars.count + 1)
                switch next() % 3 {
                case 0: chars.insert(alphabet[next() % alphabet.count], at: at)
                case 1: if at < chars.count { chars.remove(at: at) }
                default: if at < chars.count { chars[at] = alphabet[next() % alphabet.count] }
                }
            }
            let rule = String(chars)
            switch TraefikRule.parse(rule) {
            case .success(let e):
                let again = TraefikRule.render(e)
                #expect(try parse(again) == e, "\(rule) → \(again)")
                _ = TraefikRule.check(e, syntax: .v3, layer: .http)
                _ = TraefikRule.expand(e)
            case .failure(let err):
                #expect(err.offset >= 1 && err.offset <= rule.unicodeScalars.count + 1, "\(rule): \(err)")
                #expect(!err.message.isEmpty)
            }
        }
    }

    // MARK: Expansion

    @Test func orGivesAlternatives() throws {
        let alts = try alternatives("Host(`a.com`) || Host(`B.com.`) && PathPrefix(`/api`)")
        #expect(alts.count == 2)
        #expect(alts[0].hosts == ["a.com"])
        #expect(alts[0].path == "/")
        #expect(alts[0].pathType == "Any")
        #expect(alts[1].hosts == ["b.com"])          // lower-cased, trailing dot stripped
        #expect(alts[1].path == "/api")
        #expect(alts[1].pathType == "PathPrefix")
    }

    @Test func distribution() throws {
        let alts = try alternatives("(Host(`a`) || Host(`b`)) && (Path(`/x`) || PathPrefix(`/y`))")
        #expect(alts.map(\.hosts) == [["a"], ["a"], ["b"], ["b"]])
        #expect(alts.map(\.path) == ["/x", "/y", "/x", "/y"])
        #expect(alts.map(\.pathType) == ["Path", "PathPrefix", "Path", "PathPrefix"])
        let x = TraefikRule.expand(try parse("(Host(`a`) || Host(`b`)) && (Path(`/x`) || PathPrefix(`/y`))"))
        #expect(x.total == 4)
        #expect(!x.truncated)
    }

    @Test func multiHostIsOneAlternative() throws {
        let alts = try alternatives("Host(`a.com`, `b.com`) && PathPrefix(`/x`, `/y`)")
        // Hosts stay together; v2 multi-path gives one alternative per path.
        #expect(alts.count == 2)
        #expect(alts[0].hosts == ["a.com", "b.com"])
        #expect(alts[0].path == "/x")
        #expect(alts[1].path == "/y")
    }

    @Test func negatedHostYieldsNoHost() throws {
        let alts = try alternatives("!Host(`admin.example.com`) && PathPrefix(`/`)")
        #expect(alts.count == 1)
        #expect(alts[0].hosts.isEmpty)
        #expect(alts[0].routeHosts == ["*"])
        #expect(alts[0].excludedHosts == ["admin.example.com"])
        #expect(alts[0].negated)
        let plain = try alternatives("PathPrefix(`/`)")
        #expect(!plain[0].negated)
        #expect(plain[0].routeHosts == ["*"])
    }

    @Test func deMorgan() throws {
        // !(Host(a) && Path(/x)) = !Host(a) || !Path(/x)
        let alts = try alternatives("!(Host(`a`) && Path(`/x`))")
        #expect(alts.count == 2)
        #expect(alts[0].excludedHosts == ["a"])
        #expect(alts[1].excludedPaths == ["!Path(`/x`)"])
        #expect(alts.allSatisfy { $0.negated && $0.routeHosts == ["*"] })
        // !(Host(a) || Host(b)) = one alternative excluding both
        let one = try alternatives("!(Host(`a`) || Host(`b`)) && Method(`GET`)")
        #expect(one.count == 1)
        #expect(one[0].excludedHosts == ["a", "b"])
        #expect(one[0].conditions == ["Method(`GET`)"])
        // Double negation is the plain matcher.
        let two = try alternatives("!!Host(`a`)")
        #expect(two[0].hosts == ["a"])
        #expect(!two[0].negated)
    }

    @Test func intersectionsAndContradictions() throws {
        let a = try alternatives("Host(`a`, `b`) && Host(`b`, `c`)")
        #expect(a[0].hosts == ["b"])
        #expect(a[0].satisfiable)
        let b = try alternatives("Host(`a`) && Host(`b`)")
        #expect(!b[0].satisfiable)
        let c = try alternatives("Host(`a`) && !Host(`a`)")
        #expect(!c[0].satisfiable)
        let d = try alternatives("Host(`x.example.com`) && Host(`*.example.com`)")
        #expect(d[0].hosts == ["x.example.com"])
        let e = try alternatives("Host(`*`) && Host(`a`)")
        #expect(e[0].hosts == ["a"])
        let f = try alternatives("Path(`/a`) && Path(`/b`)")
        #expect(!f[0].satisfiable)
        let g = try alternatives("PathPrefix(`/api`) && PathPrefix(`/api/v1`)")
        #expect(g[0].path == "/api/v1")
        #expect(g[0].satisfiable)
        let h = try alternatives("PathPrefix(`/api`) && !PathPrefix(`/`)")
        #expect(!h[0].satisfiable)
    }

    @Test func hostSNI() throws {
        let alts = try alternatives("HostSNI(`DB.example.com`) || HostSNI(`*`)")
        #expect(alts.map(\.routeHosts) == [["db.example.com"], ["*"]])
        #expect(alts[0].pathType == "Any")
    }

    @Test func literalHostsForACME() throws {
        let e = try parse("(Host(`A.com`) || !Host(`b.com`) || HostRegexp(`.*`)) && Host(`*`)")
        #expect(TraefikRule.literalHosts(e) == ["a.com", "b.com"])
    }

    // MARK: Checking

    @Test func v3RejectsV2Forms() throws {
        let issues = TraefikRule.check(try parse("Host(`a`, `b`) || HostHeader(`c`) || Headers(`k`, `v`)"), syntax: .v3, layer: .http)
        #expect(issues.count == 3)
        #expect(issues[0].offset == 1)
        #expect(issues[0].message.contains("one argument"))
        #expect(issues[1].message.contains("only in the v2 syntax"))
        #expect(TraefikRule.check(try parse("Host(`a`, `b`) || HostHeader(`c`) || Headers(`k`, `v`)"), syntax: .v2, layer: .http).isEmpty)
    }

    @Test func v2RejectsV3Forms() throws {
        let issues = TraefikRule.check(try parse("PathRegexp(`^/x`) && Header(`k`, `v`)"), syntax: .v2, layer: .http)
        #expect(issues.count == 2)
        #expect(issues[0].message.contains("does not exist in the v2 syntax"))
    }

    @Test func layersAndValues() throws {
        let tcp = TraefikRule.check(try parse("Host(`a`)"), syntax: .v3, layer: .tcp)
        #expect(tcp.first?.message.contains("HTTP matcher") == true)
        let http = TraefikRule.check(try parse("HostSNI(`a`)"), syntax: .v3, layer: .http)
        #expect(http.first?.message.contains("TCP matcher") == true)
        let values = TraefikRule.check(try parse("Host(``) || PathPrefix(`api`) || Host(`bücher.de`) || Header(`k`)"), syntax: .v3, layer: .http)
        #expect(values.count == 4)
        #expect(values[0].offset == 6)
        #expect(values[0].message.contains("empty"))
        #expect(values[1].message.contains("does not start with `/`"))
        #expect(values[2].message.contains("non-ASCII"))
        #expect(values[3].message.contains("two arguments"))
        #expect(TraefikRule.check(try parse("Host()"), syntax: .v3, layer: .http).first?.message.contains("no argument") == true)
        #expect(TraefikRule.check(try parse("Query(`k`) && QueryRegexp(`k`, `v.*`) && ClientIP(`10.0.0.0/8`)"), syntax: .v3, layer: .http).isEmpty)
    }
}
