import Foundation
import Testing
import PortolanCore
@testable import PortolanReport

@Suite struct ReportStreamTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("portolan-stream-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func streamedReportEqualsTheJoinedOneAndLeavesNoTemporaryFile() throws {
        let e = ReportFixtures.estate()
        let joined = JSONReport.renderBytes(e, version: "0.1.0")
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/report.json"
        try Data("old report".utf8).write(to: URL(fileURLWithPath: path))
        let stream = try ReportWriter.Stream(path: path)
        var handedOver = 0
        let rest = JSONReport.renderPieces(e, version: "0.1.0", sink: { pieces in handedOver += pieces.count; stream.write(pieces) })
        stream.write(rest)
        try stream.finish()
        // The five top-level arrays went out while the report was rendering.
        #expect(handedOver >= 5)
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == joined)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["report.json"])
    }

    @Test func aMissingFolderFailsBeforeAnythingIsWritten() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: ReportWriter.Failure.self) { try ReportWriter.Stream(path: dir + "/missing/report.json") }
        #expect(throws: ReportWriter.Failure.self) { try ReportWriter.Stream(path: dir) }
    }

    @Test func dashIsAFileUnlessStandardOutputIsAsked() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        try ReportWriter.writeAtomically(pieces: [Array("a".utf8), Array("b".utf8)], to: "-")
        #expect(try String(contentsOfFile: dir + "/-", encoding: .utf8) == "ab")
    }
}
