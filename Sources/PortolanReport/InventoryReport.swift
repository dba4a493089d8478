import PortolanCore

/// `portolan inventory`: what was read, as a table or as JSON.
public enum InventoryReport {
    /// The `inputs` object of the JSON contract.
    public static func writeInputs(_ inputs: LoadedInputs, to w: inout JSONWriter) {
        w.beginObject()
        w.field("paths", inputs.paths)
        w.field("files", inputs.files.count)
        w.field("documents", inputs.documents)
        w.field("resources", inputs.resources.count)
        w.field("notKubernetes", inputs.notKubernetes)
        w.key("problems")
        w.beginArray()
        for p in inputs.problems {
            w.beginObject()
            w.field("file", p.file)
            w.field("line", p.line)
            w.field("column", p.column)
            w.field("message", p.message)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public static func json(_ inputs: LoadedInputs) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("inputs")
        writeInputs(inputs, to: &w)
        w.key("kinds")
        w.beginArray()
        for k in inputs.kindCounts {
            w.beginObject()
            w.field("apiVersion", k.apiVersion)
            w.field("kind", k.kind)
            w.field("count", k.count)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }

    public static func text(_ inputs: LoadedInputs) -> String {
        var out = "Inputs: \(inputs.paths.map(TextSafety.visible).joined(separator: ", "))\n"
        out += "  \(inputs.files.count) files, \(inputs.documents) documents, \(inputs.resources.count) resources, "
        out += "\(inputs.notKubernetes) not Kubernetes, \(inputs.problems.count) problems\n\n"
        let counts = inputs.kindCounts
        let rows = [["API VERSION", "KIND", "COUNT"]] + counts.map { [$0.apiVersion, $0.kind, String($0.count)] }
        out += TextTable.render(rows.map { $0.map(TextSafety.visible) }, rightAligned: [2])
        if !inputs.problems.isEmpty {
            out += "\nProblems:\n"
            for p in inputs.problems {
                out += "  \(TextSafety.visible(p.file)):\(p.line):\(p.column): \(TextSafety.visible(p.message))\n"
            }
        }
        return out
    }
}

/// Plain-text tables with padded columns.
public enum TextTable {
    public static func render(_ rows: [[String]], rightAligned: Set<Int> = [], gap: Int = 2) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
        var out = ""
        for r in rows {
            var line = ""
            for (i, c) in r.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(c)))
                let cell = rightAligned.contains(i) ? pad + c : c + (i == r.count - 1 ? "" : pad)
                line += cell
                if i < r.count - 1 { line += String(repeating: " ", count: gap) }
            }
            out += line + "\n"
        }
        return out
    }
}
