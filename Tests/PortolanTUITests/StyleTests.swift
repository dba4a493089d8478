import Foundation
import Testing
@testable import PortolanCore
@testable import PortolanTUI

/// Where meaning depends on colour, the colour is right, and a symbol carries it too.
@Suite struct StyleTests {
    func screen(_ s: AppState) -> TestBackend {
        let backend = TestBackend(width: s.size.width, height: s.size.height)
        Terminal(backend).draw { Screen.render(s, into: &$0) }
        return backend
    }

    @Test func uncoveredMarkerIsRedIn256And8ColoursAndBoldWithout() {
        for (theme, red) in [(Theme(mode: .palette256, symbols: .unicode), Color.indexed(203)),
                             (Theme(mode: .basic8, symbols: .unicode), Color.red)] {
            let b = screen(Fixture.state(theme: theme))
            let at = b.find("✘  ghost.example.org")!
            #expect(b.style(x: at.x, y: at.y)?.fg == red)
            let covered = b.find("✔  legacy.example.org")!
            #expect(b.style(x: covered.x, y: covered.y)?.fg == (theme.mode == .basic8 ? .green : .indexed(71)))
        }
        let mono = screen(Fixture.state(theme: Theme(mode: .monochrome, symbols: .unicode)))
        let at = mono.find("✘  ghost.example.org")!
        let style = mono.style(x: at.x, y: at.y)!
        #expect(style.fg == .default && style.bg == .default)
        #expect(style.modifiers.contains(.bold))
        // Monochrome: not a single coloured cell, the selection in reverse video.
        #expect(!mono.buffer.cells.contains { $0.style.fg != .default || $0.style.bg != .default })
        let sel = mono.find("○  blog.example.com")!
        #expect(mono.style(x: sel.x + 4, y: sel.y)!.modifiers.contains(.reverse))
    }

    @Test func conflictMarkerAndProviderColours() {
        let b = screen(Fixture.state(width: 120, height: 40))
        let conflict = b.find("✔⚠ shop.example.com")!
        #expect(b.style(x: conflict.x + 1, y: conflict.y)?.fg == .indexed(214))
        let ingress = b.find("ingress 4")!
        #expect(b.style(x: ingress.x, y: ingress.y)?.fg == .indexed(33))
        let traefik = b.find("traefik 1")!
        #expect(b.style(x: traefik.x, y: traefik.y)?.fg == .indexed(37))
        let errors = b.find("✘ 2")!
        #expect(b.style(x: errors.x, y: errors.y)?.fg == .indexed(203))
    }

    @Test func missingBackendIsRedInTheGraph() {
        let s = Fixture.state(width: 120, height: 40).typing("/shop").after(.enter, .enter)
        let b = screen(s)
        let missing = b.find("✘ Service shop/admin:80")!
        #expect(b.style(x: missing.x, y: missing.y)?.fg == .indexed(203))
        let ok = b.find("→ Service shop/web:80")!
        #expect(b.style(x: ok.x, y: ok.y)?.fg == .indexed(71))
    }

    @Test func yamlPaneHighlightsTheLine() {
        let s = Fixture.state(width: 120, height: 40).after(.char("4"), .char("y"))
        let b = screen(s)
        let line = b.find("10 apiVersion: v1")!
        #expect(b.style(x: line.x, y: line.y)?.bg == .indexed(237))
        let other = b.find("11 kind: Secret")!
        #expect(b.style(x: other.x + 4, y: other.y)?.bg == .default)
    }

    @Test func noColorComesFromTheEnvironmentOrTheOption() {
        #expect(Theme.noColorRequested(["NO_COLOR": "1"]))
        #expect(!Theme.noColorRequested(["NO_COLOR": ""]))
        #expect(!Theme.noColorRequested([:]))
        #expect(ExplorerOptions(environment: ["NO_COLOR": "yes"]).colorsDisabled)
        #expect(ExplorerOptions(noColor: true, environment: [:]).colorsDisabled)
        #expect(!ExplorerOptions(environment: ["TERM": "xterm-256color"]).colorsDisabled)
        #expect(ColorMode.pick(colors: 256, noColor: false) == .palette256)
        #expect(ColorMode.pick(colors: 8, noColor: false) == .basic8)
        #expect(ColorMode.pick(colors: 0, noColor: false) == .monochrome)
        #expect(ColorMode.pick(colors: 256, noColor: true) == .monochrome)
    }

    @Test func paletteColoursFallBackToBasic() {
        #expect(Color.indexed(196).basic == .red)
        #expect(Color.indexed(46).basic == .green)
        #expect(Color.indexed(9).basic == .red)
        #expect(Color.indexed(250).basic == .white)
        #expect(Color.yellow.paletteIndex == 3)
        #expect(Color.default.paletteIndex == -1)
    }
}
