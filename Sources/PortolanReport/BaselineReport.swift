import PortolanCore

/// The lines `portolan check --baseline` adds after the report of new findings.
public enum BaselineReport {
    public static func text(_ c: Baseline.Comparison, file: String) -> String {
        let v = TextSafety.visible
        var out = "Baseline \(v(file)): \(c.new.count) new, \(c.known.count) known (not shown), \(c.fixed.count) fixed since it was written"
        out += c.fixed.isEmpty ? ".\n" : ":\n"
        for e in c.fixed {
            var l = "  fixed: \(v(e.rule))"
            if !e.resources.isEmpty { l += " " + e.resources.map(v).joined(separator: ", ") }
            if !e.hosts.isEmpty { l += " (" + e.hosts.map(v).joined(separator: ", ") + ")" }
            out += l + "\n"
        }
        if !c.fixed.isEmpty { out += "Run with --write-baseline to drop the fixed ones from the file.\n" }
        return out
    }
}
