import Testing
@testable import PortolanCore

@Suite struct YAMLTreeTests {
    @Test func nodeRecordsKeepKindStyleAndPosition() {
        let r = YAMLTree.Raw(kind: NodeKind.scalar.rawValue, flags: ScalarStyle.quoted.rawValue | ScalarStyle.tagged.rawValue,
                             line: 4_000_000, column: 123_456, start: 7, count: 9)
        #expect(r.kind == NodeKind.scalar.rawValue)
        #expect(r.flags == 5)
        #expect(r.line == 4_000_000 && r.column == 123_456 && r.start == 7 && r.count == 9)
        let m = YAMLTree.Raw(kind: NodeKind.mapping.rawValue, flags: 0, line: 1, column: 1 << 30, start: 0, count: 0)
        #expect(m.kind == NodeKind.mapping.rawValue && m.flags == 0)
        // A column past what the record holds is kept as the largest it can hold.
        #expect(m.column == (1 << 27) - 1)
        #expect(MemoryLayout<YAMLTree.Raw>.stride == 16)
    }

    @Test func parsedNodesReportTheirPlaceAndStyle() throws {
        let text = "a:\n  b: 'x'\n  c: |\n    y\n  d: [1, 2]\n"
        let file = YAMLParser.parse(Array(text.utf8))
        let root = try #require(file.documents.first?.root)
        let b = try #require(root["a"]?["b"])
        #expect(b.mark == SourceMark(line: 2, column: 6))
        #expect(b.style.contains(.quoted) && !b.style.contains(.block))
        let c = try #require(root["a"]?["c"])
        #expect(c.style.contains(.block) && c.string == "y\n")
        let d = try #require(root["a"]?["d"])
        #expect(d.isSequence && d.count == 2 && d.mark == SourceMark(line: 5, column: 6))
    }
}
