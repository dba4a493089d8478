import PortolanCore

/// Graphviz: the route graph as a left-to-right digraph. Hosts in the first rank, one cluster per namespace
/// for routes, services and certificates; a shape per layer, provider colours on routes and their edges,
/// problems in red (dashed when the object is missing). Valid for `dot -Tsvg`.
public enum DOTReport {
    public static func render(_ e: Estate, options: ReportOptions) -> String {
        let facts = ReportFacts(e)
        let pic = GraphPicture(facts)
        var ids = [String](repeating: "", count: pic.nodes.count)
        var counters = [0, 0, 0, 0]
        let prefixes = ["h", "r", "s", "c"]
        for (i, n) in pic.nodes.enumerated() {
            ids[i] = prefixes[n.layer.rawValue] + String(counters[n.layer.rawValue])
            counters[n.layer.rawValue] += 1
        }

        var out = "// Portolan route graph: hosts -> routes -> services -> certificates.\n"
        out += "// Render with: dot -Tsvg portolan.dot -o portolan.svg\n"
        out += "digraph portolan {\n"
        var title = "Portolan \(options.version): " + [MarkdownReport.plural(e.graph.hosts.count, "host"), MarkdownReport.plural(e.graph.routes.count, "route"), MarkdownReport.plural(e.findings.count, "finding")].joined(separator: ", ")
        if e.nowIsFixed { title += " (" + UTCDate.rfc3339(e.now) + ")" }
        out += "  graph [rankdir=LR, newrank=true, fontname=\"Helvetica\", fontsize=12, nodesep=0.2, ranksep=0.9, labelloc=t, label=\(DOT.quoted(title))];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.12,0.04\"];\n"
        out += "  edge [color=\"\(ReportFacts.grey)\", arrowsize=0.6];\n\n"

        func attrs(_ n: GraphPicture.Node) -> String {
            var a: [String] = []
            let symbol = n.symbol.isEmpty ? "" : n.symbol + " "
            a.append("label=" + DOT.label(n.detail.isEmpty ? [symbol + n.title] : [symbol + n.title, n.detail]))
            switch n.layer {
            case .host: a.append("shape=box"); a.append("style=\"rounded,filled\"")
            case .route: a.append("shape=box"); a.append("style=filled")
            case .service: a.append("shape=ellipse"); a.append("style=filled")
            case .certificate: a.append("shape=note"); a.append("style=filled")
            }
            if n.missing { a[a.count - 1] = n.layer == .host ? "style=\"rounded,filled,dashed\"" : "style=\"filled,dashed\"" }
            let stroke = n.problem ? ReportFacts.red : n.warning ? ReportFacts.amber : n.provider.map(ReportFacts.color) ?? ReportFacts.grey
            let fill = n.problem ? "#fdecec" : n.warning ? "#fff5e3" : "#ffffff"
            a.append("color=\"\(stroke)\"")
            a.append("fillcolor=\"\(fill)\"")
            if n.problem || n.layer == .route { a.append("penwidth=2") }
            if n.problem { a.append("fontcolor=\"#8c1d1d\"") }
            return a.joined(separator: ", ")
        }

        out += "  // Hosts\n  { rank=same;\n"
        for i in pic.nodes(in: .host) { out += "    \(ids[i]) [\(attrs(pic.nodes[i]))];\n" }
        out += "  }\n"
        let others = pic.nodes.indices.filter { pic.nodes[$0].layer != .host }
        let namespaces = Array(Set(others.map { pic.nodes[$0].namespace })).sorted()
        for (k, ns) in namespaces.enumerated() {
            out += "\n  subgraph cluster_\(k) {\n"
            out += "    label=\(DOT.quoted(ns.isEmpty ? "(cluster-scoped)" : "namespace " + ns)); labeljust=l; fontsize=10; fontcolor=\"#5b6573\";\n"
            out += "    style=\"rounded,dashed\"; color=\"#c3cad4\";\n"
            for i in others where pic.nodes[i].namespace == ns { out += "    \(ids[i]) [\(attrs(pic.nodes[i]))];\n" }
            out += "  }\n"
        }
        out += "\n  // Edges: host -> route -> backend; route -> certificate (dashed)\n"
        for edge in pic.edges {
            var a: [String] = []
            if edge.problem { a += ["color=\"\(ReportFacts.red)\"", "penwidth=2"] }
            else if let p = edge.provider { a.append("color=\"\(ReportFacts.color(p))\"") }
            if edge.dashed { a.append("style=dashed") }
            out += "  \(ids[edge.from]) -> \(ids[edge.to])" + (a.isEmpty ? "" : " [" + a.joined(separator: ", ") + "]") + ";\n"
        }
        out += "}\n"
        return out
    }
}
