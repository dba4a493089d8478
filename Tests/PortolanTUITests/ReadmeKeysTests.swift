import Foundation
import Testing
@testable import PortolanTUI

/// The README's key table is generated from the bindings (`Keymap.standard.markdownTable()`).
@Suite struct ReadmeKeysTests {
    @Test func readmeKeyTableIsInSync() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md").path
        if let out = ProcessInfo.processInfo.environment["PORTOLAN_WRITE_KEYS"] {
            try Keymap.standard.markdownTable().write(toFile: out, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOfFile: readme, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- keys:begin -->\n"))
        let end = try #require(text.range(of: "<!-- keys:end -->"))
        #expect(String(text[begin.upperBound..<end.lowerBound]) == Keymap.standard.markdownTable())
    }
}
