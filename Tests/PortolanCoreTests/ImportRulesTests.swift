import Foundation
import Testing

/// ARCHITECTURE.md's import rules, checked on the sources (SwiftPM does not reject transitive imports).
@Suite struct ImportRulesTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources").path

    static let allowed: [String: Set<String>] = [
        "PortolanCore": ["CYAML", "Foundation", "X509", "SwiftASN1", "Synchronization", "Dispatch", "Glibc", "Musl", "Darwin"],
        "PortolanReport": ["PortolanCore", "Foundation", "Dispatch"],
        "PortolanTUI": ["PortolanCore", "PortolanReport", "Foundation", "Dispatch", "Glibc", "Musl", "Darwin"],
        "PortolanNcurses": ["PortolanTUI", "PortolanCore", "PortolanReport", "CNcursesw", "Foundation", "Dispatch", "Glibc", "Musl", "Darwin"],
        "PortolanFuzzing": ["PortolanCore", "PortolanReport", "Foundation"],
    ]

    @Test(arguments: allowed.keys.sorted())
    func moduleImportsOnlyWhatItMay(_ module: String) throws {
        let dir = Self.sources + "/" + module
        let files = FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(!files.isEmpty)
        for f in files {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                let name = line.split(separator: " ").last.map(String.init) ?? ""
                #expect(Self.allowed[module]!.contains(name), "\(module)/\(f) imports \(name)")
            }
        }
    }
}
