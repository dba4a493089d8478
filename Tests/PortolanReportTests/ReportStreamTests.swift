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

    @Test func largeSectionsGoOutChunkByChunkInOrder() throws {
        // 1,200 Ingresses: the hosts, routes and services arrays are rendered in several parallel
        // chunks, each handed over as soon as it and those before it are done.
        var text = ""
        for i in 0..<1200 {
            text += """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web-\(i), namespace: ns-\(i % 7)}
            spec:
              rules:
                - host: web-\(i).example.com
                  http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web-\(i), port: {number: 80}}}}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-\(i / 2 * 2), namespace: ns-\(i % 7)}
            spec: {ports: [{port: 80}]}
            ---

            """
        }
        var load = LoadOptions(paths: ["-"])
        load.stdin = Array(text.utf8)
        var analysis = AnalysisOptions()
        analysis.now = ReportFixtures.now
        let e = Analyzer.run(Loader.load(load), options: analysis)
        #expect(e.graph.routes.count == 1200)
        let joined = JSONReport.renderBytes(e, version: "0.1.0")
        var handed: [[UInt8]] = []
        let rest = JSONReport.renderPieces(e, version: "0.1.0", sink: { handed += $0 })
        #expect(handed.count > 12)
        #expect(Array((handed + rest).joined()) == joined)
        let object = try JSONSerialization.jsonObject(with: Data(joined)) as? [String: Any]
        #expect((object?["routes"] as? [Any])?.count == 1200)
        #expect((object?["hosts"] as? [Any])?.count == 1200)
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
