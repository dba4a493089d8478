import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// Whole screens at 80x24 and 120x40 compared with `Screens/*.txt` (RECORD_SNAPSHOTS=1 records).
@Suite struct ScreenTests {
    static let small = Fixture.state()
    static let large = Fixture.state(width: 120, height: 40)

    @Test func hosts() {
        assertScreen(Self.small.screen, named: "hosts-80x24")
        assertScreen(Self.large.screen, named: "hosts-120x40")
    }

    /// ghost.example.org: uncovered, the finding beside it in the graph.
    @Test func uncoveredHostDrilledDown() {
        let s = Self.small.typing("/ghost").after(.enter, .enter)
        #expect(s.focus == .graph)
        assertScreen(s.screen, named: "host-uncovered-80x24")
        assertScreen(Self.large.typing("/ghost").after(.enter, .enter).screen, named: "host-uncovered-120x40")
    }

    /// shop.example.com: two controllers, a missing backend, the TLS candidates expanded.
    @Test func conflictHostWithYAML() {
        let s = Self.large.typing("/shop").after(.enter, .enter, .key(.char("G")), .enter, .key(.char("y")))
        assertScreen(s.screen, named: "host-conflict-yaml-120x40")
    }

    @Test func routes() {
        assertScreen(Self.small.after(.char("2")).screen, named: "routes-80x24")
        assertScreen(Self.large.after(.char("2")).screen, named: "routes-120x40")
    }

    @Test func services() {
        assertScreen(Self.large.after(.char("3"), .enter).screen, named: "services-120x40")
    }

    /// The expired certificate with its Secret's YAML: values redacted with their sizes.
    @Test func certificateWithRedactedSecret() {
        let s = Self.large.after(.char("4"), .enter, .char("y"))
        assertScreen(s.screen, named: "certificate-yaml-120x40")
        assertScreen(Self.small.after(.char("4"), .char("y")).screen, named: "certificate-yaml-80x24")
    }

    @Test func findings() {
        assertScreen(Self.small.after(.char("5")).screen, named: "findings-80x24")
        assertScreen(Self.large.after(.char("5"), .char("y")).screen, named: "findings-yaml-120x40")
    }

    /// The rule catalogue plugs in through `explain`: the YAML pane shows why and how to fix.
    @Test func findingExplanationsFromTheCatalogue() {
        var s = Self.large.after(.char("5"), .char("y"))
        s.explain = { f in
            f.rule == "tls-uncovered"
                ? FindingNotes(explanation: "Clients get the controller's default certificate.", fix: "Create the Secret or fix secretName.")
                : nil
        }
        let text = s.screen.joined(separator: "\n")
        #expect(text.contains("Why: Clients get the controller's default certificate."))
        #expect(text.contains("Fix: Create the Secret or fix secretName."))
    }

    @Test func files() {
        assertScreen(Self.large.after(.char("6"), .enter).screen, named: "files-120x40")
    }

    @Test func help() {
        assertScreen(Self.small.after(.char("?")).screen, named: "help-80x24")
    }

    @Test func exportForm() {
        assertScreen(Self.small.after(.char("e")).screen, named: "export-80x24")
    }

    @Test func filterEditing() {
        assertScreen(Self.small.typing("/!exam").screen, named: "filter-inverted-80x24")
    }

    @Test func loading() {
        var s = AppState(theme: Fixture.theme256, size: Size(width: 80, height: 24))
        s.inputs = ["Examples"]
        s = Reducer.apply(s, .progress(done: 40, total: 100)).0
        assertScreen(Screen.buffer(s).lines(), named: "loading-80x24")
    }

    @Test func tooSmall() {
        let s = Self.small.after(.resize(Size(width: 50, height: 12)))
        assertScreen(Screen.buffer(s).lines(), named: "too-small-50x12")
    }

    /// No UTF-8: ASCII frames and markers.
    @Test func asciiFallback() {
        let s = Fixture.state(theme: Theme(mode: .basic8, symbols: .ascii)).typing("/shop").after(.enter, .enter)
        assertScreen(s.screen, named: "ascii-80x24")
    }

    /// Wide characters keep columns aligned: every row is exactly as wide as the screen.
    @Test func rowsKeepTheirWidthWithWideCharacters() {
        for s in [Self.small, Self.large, Self.small.after(.char("2")), Self.large.after(.char("G"), .enter),
                  Fixture.state(width: 200, height: 60).after(.char("y"), .char("G"))] {
            for (i, line) in s.screen.enumerated() {
                #expect(DisplayWidth.of(line) == s.size.width, "row \(i): \(line)")
            }
        }
        #expect(Self.small.screen.contains { $0.contains("日本.example.jp") })
    }

    /// Control characters from manifests are shown escaped, never sent to the terminal.
    @Test func controlCharactersFromManifestsAreEscaped() {
        let s = Self.large.after(.char("3"), .char("j"))
        #expect(s.selectedKey == "blog/evil\u{1B}[31mred")
        let screen = s.screen
        #expect(screen.contains { $0.contains("blog/evil\\e[31mred") })
        #expect(!screen.joined().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        let yaml = s.after(.char("y")).screen.joined(separator: "\n")
        #expect(yaml.contains("name: \"evil\\e[31mred\""))
    }

    /// 200x60 with every pane: three columns.
    @Test func wide() {
        let s = Fixture.state(width: 200, height: 60).after(.char("y"), .char("j"), .enter)
        assertScreen(s.screen, named: "wide-200x60")
    }
}
