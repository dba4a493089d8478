import Foundation
import Testing
import PortolanFuzzing

/// Replays every input under Fixtures/fuzz-regressions (crashers found by Scripts/fuzz, and hostile seeds)
/// through the whole pipeline: nothing may crash, and no output may carry a raw control byte.
@Suite struct FuzzRegressionTests {
    static var files: [String] {
        let dir = Fixtures.path("fuzz-regressions")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test(arguments: files)
    func replay(_ name: String) throws {
        let data = try #require(FileManager.default.contents(atPath: Fixtures.path("fuzz-regressions/" + name)))
        let outputs = FuzzHarness.run(Array(data))
        #expect(!outputs.isEmpty)
        for (i, o) in outputs.enumerated() {
            let bad = o.unicodeScalars.first { s in
                (s.value < 0x20 && s.value != 0x0A && s.value != 0x09 && s.value != 0x0D) || s.value == 0x7F
                    || (0x80..<0xA0).contains(s.value) || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
            }
            #expect(bad == nil, "output \(i) of \(name) contains a raw control character U+\(String(bad?.value ?? 0, radix: 16))")
        }
    }
}
