import Foundation
import PortolanCore
import PortolanReport

/// Feeds arbitrary bytes through everything that reads input: the YAML parser, the loader, every
/// provider processor (through the graph), the Traefik rule parser, PEM parsing, the configuration
/// reader, the analysis, every exporter and the review renderers (explain, diff, baseline). Used by the libFuzzer target and by the regression tests,
/// which replay committed inputs. Returns the rendered outputs so tests can check them.
public enum FuzzHarness {
    /// What the loader takes from a parsed file: problems, and per document its identity — or, for a
    /// kind whose body Portolan reads, every node with its style, text and position.
    public static func reading(_ f: YAMLFile) -> [String] {
        func dump(_ n: Node) -> String {
            let at = "@\(n.mark.line):\(n.mark.column)"
            switch n.kind {
            case .scalar: return "s\(n.style.rawValue)\(at)[\(n.scalarText ?? "")]"
            case .sequence: return "[\(at) " + n.items.map(dump).joined(separator: ", ") + "]"
            case .mapping: return "{\(at) " + n.pairs.map { dump($0.key) + ": " + dump($0.value) }.joined(separator: ", ") + "}"
            }
        }
        var out = f.issues.map { "issue \($0.line):\($0.column) \($0.message)" }
        for d in f.documents {
            guard let root = d.root else { out.append("doc \(d.index) empty"); continue }
            let v = root["apiVersion"]?.string, k = root["kind"]?.string
            if root.kind == .mapping, let v, let k, Kinds.documentNeedsBody(apiVersion: v, kind: k) {
                out.append("doc \(d.index) line \(d.line) " + dump(root))
                continue
            }
            let meta = root["metadata"]
            let fields = [v, k, meta?["name"]?.string, meta?["namespace"]?.string, meta?["generateName"]?.string,
                          meta?["annotations"]?["portolan.dev/ignore"]?.scalarText]
            let first = root.pairs.first.map { "\($0.key.mark.line):\($0.key.mark.column)" } ?? "-"
            out.append("doc \(d.index) \(root.kind) \(root.mark.line):\(root.mark.column) first \(first) "
                       + fields.map { $0.map { "[\($0)]" } ?? "nil" }.joined(separator: " "))
        }
        return out
    }

    @discardableResult
    public static func run(_ data: [UInt8]) -> [String] {
        var outputs: [String] = []
        _ = YAMLParser.parse(data)
        // The skimmer and fast reader must read exactly what libyaml reads (or leave the document to it).
        let fast = reading(YAMLParser.parse(data, keepDocument: Kinds.documentNeedsBody, skim: true))
        let slow = reading(YAMLParser.parse(data, keepDocument: Kinds.documentNeedsBody, skim: false))
        if slow.contains(where: { $0.contains("not valid UTF-8") }) {
            // Bytes that are not UTF-8 (or control characters) stop libyaml for the rest of its input,
            // and it decodes ahead: read whole, a file loses the documents around them. The fast path
            // gives libyaml one run of documents at a time, so the others are kept and checked (by
            // design: one broken document does not hide the others). libyaml's problems must be among its.
            precondition(slow.filter { $0.hasPrefix("issue") }.allSatisfy(fast.contains),
                         "the fast YAML readers lose a problem libyaml reports:\n\(fast)\n---\n\(slow)")
        } else {
            precondition(fast == slow, "the fast YAML readers disagree with libyaml:\n\(fast)\n---\n\(slow)")
        }
        var load = LoadOptions(paths: ["-"])
        load.stdin = data
        load.workers = 1
        let inputs = Loader.load(load)
        var options = AnalysisOptions()
        options.now = 1_796_083_200   // 2026-12-01, fixed: the harness must be deterministic
        let estate = Analyzer.run(inputs, options: options)
        for f in Exporters.available {
            if let text = Exporters.render(f, estate, options: ReportOptions(version: "fuzz")) { outputs.append(text) }
        }
        // Review: explain a few hosts, diff against an empty estate, baseline round trip.
        for h in estate.graph.hosts.prefix(4) {
            let host = h.name == "*" ? "any.invalid" : (h.name.hasPrefix("*.") ? "any" + h.name.dropFirst() : h.name)
            for scheme in ["https", "http"] {
                guard let req = try? ExplainRequest.parse("\(scheme)://\(host)/api/x?q=1") else { continue }
                let x = Explainer.run(estate, req)
                outputs.append(ExplainReport.text(x))
                outputs.append(ExplainReport.json(x, version: "fuzz"))
            }
        }
        var none = LoadOptions(paths: ["-"])
        none.stdin = []
        none.workers = 1
        let empty = Analyzer.run(Loader.load(none), options: options)
        let diff = EstateDiff.compare(empty, estate)
        let labels = DiffReport.Labels(base: "empty", head: "fuzz")
        outputs.append(DiffReport.text(diff, labels: labels, failOn: .error))
        outputs.append(DiffReport.markdown(diff, labels: labels, failOn: .error))
        outputs.append(DiffReport.json(diff, labels: labels, failOn: .error, version: "fuzz"))
        let baseline = Baseline(findings: estate.findings)
        outputs.append(baseline.render())
        _ = try? Baseline.parse(Data(baseline.render().utf8))
        _ = try? Baseline.parse(Data(data))
        let text = String(decoding: data, as: UTF8.self)
        if case .success(let e) = TraefikRule.parse(text) {
            _ = TraefikRule.expand(e)
            _ = TraefikRule.check(e, syntax: .v3, layer: .http)
            _ = TraefikRule.check(e, syntax: .v2, layer: .tcp)
            outputs.append(TraefikRule.render(e))
        }
        _ = PEM.parseChain(data)
        _ = try? PortolanConfig.parse(data, file: "fuzz.yaml")
        outputs.append(TextSafety.visible(text))
        return outputs
    }
}
