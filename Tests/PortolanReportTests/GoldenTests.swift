import Foundation
import Testing
import PortolanCore
@testable import PortolanReport

/// Every format on the fixture estate, compared byte for byte with `Golden/estate.<ext>`.
@Suite struct GoldenTests {
    @Test(arguments: ReportFormat.allCases)
    func golden(_ format: ReportFormat) throws {
        let text = ReportFixtures.render(format, ReportFixtures.estate())
        try ReportFixtures.checkGolden("estate." + format.fileExtension, text)
    }

    @Test func everyFormatHasAnExporter() {
        #expect(Exporters.available == ReportFormat.allCases)
    }

    @Test(arguments: ReportFormat.allCases)
    func deterministic(_ format: ReportFormat) {
        // Two separate loads and analyses give the same bytes.
        let a = ReportFixtures.render(format, ReportFixtures.estate())
        let b = ReportFixtures.render(format, ReportFixtures.estate())
        #expect(a == b)
    }

    /// Without --now (or --timestamp) no format prints the time of the run.
    @Test(arguments: ReportFormat.allCases)
    func noTimestampUnlessFixed(_ format: ReportFormat) {
        let text = ReportFixtures.render(format, ReportFixtures.estate(nowIsFixed: false))
        #expect(!text.contains("2026-06-01T00:00:00"), "\(format) prints the time of the run")
        let fixed = ReportFixtures.render(format, ReportFixtures.estate(nowIsFixed: true))
        if [.json, .html, .junit, .markdown, .dot].contains(format) {
            #expect(fixed.contains("2026-06-01T00:00:00"), "\(format) should print the fixed time")
        }
    }
}
