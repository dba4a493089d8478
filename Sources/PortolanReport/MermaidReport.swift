import PortolanCore

/// Mermaid: the route graph as a `flowchart LR` (hosts → routes → services → certificates), with the
/// provider colours and problems in red. Labels are entity-encoded (see `Mermaid.label`).
public enum MermaidReport {
    public static func render(_ e: Estate, options: ReportOptions) -> String {
        flowchart(ReportFacts(e))
    }

    /// The flowchart alone (also embedded in the Markdown report).
    static func flowchart(_ facts: ReportFacts) -> String {
        let pic = GraphPicture(facts)
        var ids = [String](repeating: "", count: pic.nodes.count)
        var counters = [0, 0, 0, 0]
        let prefixes = ["H", "R", "S", "C"]
        for (i, n) in pic.nodes.enumerated() {
            ids[i] = prefixes[n.layer.rawValue] + String(counters[n.layer.rawValue])
            counters[n.layer.rawValue] += 1
        }
        var out = "flowchart LR\n"
        for (i, n) in pic.nodes.enumerated() {
            var label = Mermaid.label((n.symbol.isEmpty ? "" : n.symbol + " ") + n.title)
            if !n.detail.isEmpty { label += "<br/>" + Mermaid.label(n.detail) }
            let (open, close): (String, String)
            switch n.layer {
            case .host: (open, close) = ("([\"", "\"])")
            case .route: (open, close) = ("[\"", "\"]")
            case .service: (open, close) = ("(\"", "\")")
            case .certificate: (open, close) = ("{{\"", "\"}}")
            }
            out += "  \(ids[i])\(open)\(label)\(close)\n"
        }
        var red: [Int] = [], byProvider: [Provider: [Int]] = [:]
        for (k, edge) in pic.edges.enumerated() {
            out += "  \(ids[edge.from]) \(edge.dashed ? "-.->" : "-->") \(ids[edge.to])\n"
            if edge.problem { red.append(k) } else if let p = edge.provider { byProvider[p, default: []].append(k) }
        }
        out += "  classDef host fill:#ffffff,stroke:\(ReportFacts.grey),color:#1d2430\n"
        for p in Provider.allCases {
            out += "  classDef \(className(p)) fill:#ffffff,stroke:\(ReportFacts.color(p)),stroke-width:2px,color:#1d2430\n"
        }
        out += "  classDef plain fill:#ffffff,stroke:\(ReportFacts.grey),color:#1d2430\n"
        out += "  classDef warning fill:#fff5e3,stroke:\(ReportFacts.amber),stroke-width:2px,color:#5c3a00\n"
        out += "  classDef problem fill:#fdecec,stroke:\(ReportFacts.red),stroke-width:2px,color:#8c1d1d\n"
        out += "  classDef missing fill:#fdecec,stroke:\(ReportFacts.red),stroke-width:2px,stroke-dasharray:4 3,color:#8c1d1d\n"
        var classes: [String: [String]] = [:]
        for (i, n) in pic.nodes.enumerated() {
            let c: String
            if n.missing { c = "missing" } else if n.problem { c = "problem" } else if n.warning { c = "warning" }
            else if n.layer == .route, let p = n.provider { c = className(p) }
            else if n.layer == .host { c = "host" } else { c = "plain" }
            classes[c, default: []].append(ids[i])
        }
        for c in classes.keys.sorted() {
            for chunk in stride(from: 0, to: classes[c]!.count, by: 50) {
                out += "  class \(classes[c]![chunk..<min(chunk + 50, classes[c]!.count)].joined(separator: ",")) \(c)\n"
            }
        }
        for p in Provider.allCases {
            if let list = byProvider[p], !list.isEmpty {
                out += "  linkStyle \(list.map(String.init).joined(separator: ",")) stroke:\(ReportFacts.color(p))\n"
            }
        }
        if !red.isEmpty {
            out += "  linkStyle \(red.map(String.init).joined(separator: ",")) stroke:\(ReportFacts.red),stroke-width:2px\n"
        }
        return out
    }

    static func className(_ p: Provider) -> String {
        p == .gatewayAPI ? "gatewayapi" : p.rawValue
    }
}
