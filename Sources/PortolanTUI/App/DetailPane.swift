import PortolanCore

/// The YAML pane: the selected item's source with line numbers, the relevant line highlighted,
/// Secret values redacted; then the findings on it with their explanation and fix.
public enum DetailPane {
    /// The findings section's rows (wrapped to `width`): title, then each finding with the catalogue's
    /// explanation and fix when there is one.
    static func findingRows(_ s: AppState, _ findings: [Int], width: Int) -> [Line] {
        guard let m = s.model, !findings.isEmpty else { return [] }
        let t = s.theme
        var out: [Line] = [Line("Findings (\(findings.count))", t.title)]
        for i in findings {
            let f = m.estate.findings[i]
            out.append(Line([Span(t.severitySymbol(f.severity) + " " + f.rule + ": ", t.severity(f.severity)), Span(f.message)]))
            if let notes = s.explain(f) {
                out.append(Line([Span("  Why: ", t.dim), Span(notes.explanation)]))
                out.append(Line([Span("  Fix: ", t.dim), Span(notes.fix)]))
            }
        }
        return out.flatMap { Paragraph.wrap($0, width: width) }
    }

    /// Rows for the source; the findings take what they need below it, leaving the source at least
    /// six rows (half of a small pane).
    public static func sourceHeight(_ s: AppState, _ rows: [TreeRow<GraphPayload>], body: Rect) -> Int {
        let findings = s.detailFindings(rows)
        guard !findings.isEmpty else { return body.height }
        let needed = 1 + findingRows(s, findings, width: body.width).count
        let keep = min(6, body.height / 2)
        return body.height - min(needed, body.height - keep)
    }

    /// First line shown so that `line` (1-based) sits a third of the way down.
    public static func autoStart(line: Int, height: Int, count: Int) -> Int {
        max(0, min(line - 1 - height / 3, count - height))
    }

    static func render(_ s: AppState, _ m: ExplorerModel, _ rows: [TreeRow<GraphPayload>], _ area: Rect, _ buf: inout Buffer) {
        let t = s.theme
        let loc = s.detailLocation(rows)
        let focused = s.focus == .detail && s.overlay == .none
        let title = loc.map { Line("\($0.file):\($0.line)", t.title) } ?? Line("YAML", t.title)
        Screen.block(s, title, focused: focused, right: Line("y hides", t.dim)).render(area, &buf)
        let body = area.inset(horizontal: 1, vertical: 1)
        guard !body.isEmpty else { return }
        guard let loc else {
            Paragraph([Line("Nothing selected.", t.dim)]).render(body, &buf)
            return
        }
        let srcHeight = sourceHeight(s, rows, body: body)
        switch m.sources.text(loc.file) {
        case .unavailable(let why):
            Paragraph([Line(why, t.dim)], wrap: true).render(Rect(x: body.x, y: body.y, width: body.width, height: srcHeight), &buf)
        case .lines(let lines):
            let auto = autoStart(line: loc.line, height: srcHeight, count: lines.count)
            let start = max(0, min(auto + s.detailScroll, max(0, lines.count - srcHeight)))
            let numWidth = String(lines.count).count
            for i in 0..<srcHeight {
                let n = start + i
                guard n < lines.count else { break }
                let y = body.y + i
                let num = String(repeating: " ", count: numWidth - String(n + 1).count) + "\(n + 1) "
                let nw = buf.setString(body.x, y, num, t.lineNumber)
                buf.setLine(body.x + nw, y, yamlLine(lines[n], t), maxWidth: body.width - nw)
                if n + 1 == loc.line { buf.setStyle(Rect(x: body.x, y: y, width: body.width, height: 1), t.highlightLine) }
            }
        }
        guard srcHeight < body.height else { return }
        let fArea = Rect(x: body.x, y: body.y + srcHeight, width: body.width, height: body.height - srcHeight)
        buf.setString(fArea.x, fArea.y, String(repeating: t.symbols.horizontal, count: fArea.width), t.dim)
        let out = findingRows(s, s.detailFindings(rows), width: body.width)
        Paragraph(out).render(Rect(x: fArea.x, y: fArea.y + 1, width: fArea.width, height: fArea.height - 1), &buf)
    }

    /// Light YAML colouring: mapping keys and comments.
    static func yamlLine(_ text: String, _ t: Theme) -> Line {
        guard let first = text.firstIndex(where: { $0 != " " && $0 != "-" }) else { return Line(text) }
        if text[first] == "#" { return Line(text, t.yamlComment) }
        var i = first
        while i < text.endIndex {
            let c = text[i]
            if c == " " || c == "\"" || c == "'" { break }
            if c == ":" {
                let next = text.index(after: i)
                if next == text.endIndex || text[next] == " " {
                    return Line([Span(String(text[..<first])), Span(String(text[first..<i]), t.yamlKey), Span(String(text[i...]))])
                }
            }
            i = text.index(after: i)
        }
        return Line(text)
    }
}
