import Testing
@testable import PortolanCore

@Suite struct HostSourcesTests {
    @Test func readAndWrittenLikeADictionary() {
        let a = SourceLocation(file: "a.yaml", line: 3, column: 5)
        let b = SourceLocation(file: "a.yaml", line: 9, column: 7)
        var s: HostSources = ["web.example.com": a]
        #expect(s["web.example.com"] == a && s["api.example.com"] == nil)
        s["api.example.com"] = b
        s["web.example.com"] = b          // replaces, does not add
        #expect(s.count == 2 && s["web.example.com"] == b)
        s["api.example.com"] = nil        // removes
        #expect(s.map(\.key) == ["web.example.com"])
        let copied = HostSources(s.map { (key: "prod:" + $0.key, value: $0.value) })
        #expect(copied["prod:web.example.com"] == b && copied.count == 1)
        #expect(HostSources().isEmpty)
    }
}
