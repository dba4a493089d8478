import Foundation
import Testing
@testable import PortolanCore
import PortolanReport
@testable import PortolanTUI

/// Planted key material must appear in no output: not in any report format, not on any explorer screen
/// (every view, the YAML pane of every row), not in the parse trees kept in memory.
@Suite struct SecretHygieneTests {
    static let planted = [
        "PLANTED-PRIVATE-KEY-MATERIAL-3b1f9e", "PLANTED-DATA-VALUE-77c2a0", "PLANTED-STRING-DATA-5d9e11",
        "PLANTED-BLOCK-SECRET-line-one", "PLANTED-BLOCK-SECRET-line-two",
        // and the base64 forms as they stand in the file
        "UExBTlRFRC1EQVRBLVZBTFVFLTc3YzJhMA", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t",
    ]

    static func estate() -> Estate {
        var o = LoadOptions(paths: [Fixture.root + "/secrets"])
        o.displayRelativeTo = Fixture.root
        var a = AnalysisOptions()
        a.now = UTCDate.parse("2026-12-01")!
        return Analyzer.run(Loader.load(o), options: a)
    }

    static func leaks(_ text: String) -> [String] { planted.filter { text.contains($0) } }

    @Test func noReportFormatShowsSecretValues() {
        let e = Self.estate()
        #expect(e.graph.host("vault.example.com")?.tls == .covered)
        for f in ReportFormat.allCases {
            let text = Exporters.render(f, e, options: ReportOptions(version: "t")) ?? ""
            #expect(!text.isEmpty)
            #expect(Self.leaks(text).isEmpty, "\(f.rawValue) shows \(Self.leaks(text))")
        }
    }

    @Test func noExplorerScreenShowsSecretValues() {
        let e = Self.estate()
        let model = ExplorerModel(e, sources: SourceCache(e.inputs, read: { SourceCache.readFile(Fixture.root + "/" + $0) }))
        var seen = 0
        for view in ["1", "2", "3", "4", "5", "6"] {
            var s = AppState(theme: Fixture.theme256, size: Size(width: 160, height: 50), model: model)
            s = s.typing(view).after(KeyEvent.typing("y"))
            for _ in 0..<8 {
                let text = s.screen.joined(separator: "\n")
                #expect(Self.leaks(text).isEmpty, "view \(view) shows \(Self.leaks(text))")
                seen += text.contains("<redacted:") ? 1 : 0
                s = s.after(.down)
            }
        }
        #expect(seen > 0, "no screen showed a redacted Secret: the test did not reach the YAML of a Secret")
    }

    @Test func parseTreesKeepNoSecretBytes() {
        let e = Self.estate()
        for r in e.inputs.resources {
            guard let tree = r.node?.tree else { continue }
            let bytes = tree.withAllBytes { String(decoding: $0, as: UTF8.self) }
            #expect(!bytes.isEmpty)
            #expect(Self.leaks(bytes).isEmpty, "\(r.kind) \(r.name)'s tree keeps \(Self.leaks(bytes))")
        }
        #expect(e.inputs.resources.contains { $0.node != nil })
    }
}
