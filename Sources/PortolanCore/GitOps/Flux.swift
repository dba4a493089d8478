/// A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io`): the folder it applies, the namespace and
/// patches it adds, and its `postBuild` variable substitutions.
struct FluxKustomization {
    static let group = "kustomize.toolkit.fluxcd.io"

    let resource: Resource
    /// `spec.path` as written.
    let path: String
    let suspended: Bool
    /// What it adds to the build, as a kustomization (targetNamespace, patches, name prefix/suffix).
    let transform: Kustomization
    /// `postBuild.substitute`, in order.
    let substitute: [(name: String, value: String)]
    /// `postBuild.substituteFrom`.
    let substituteFrom: [(kind: String, name: String, optional: Bool, at: SourceLocation)]
    let postBuildAt: SourceLocation?

    init?(_ r: Resource) {
        guard r.group == Self.group, r.kind == "Kustomization", let spec = r.spec else { return nil }
        resource = r
        path = spec["path"]?.string ?? "./"
        suspended = spec["suspend"]?.bool ?? false
        var k = Kustomization(root: nil, file: r.source.file)
        k.namespace = spec["targetNamespace"]?.string
        k.namePrefix = spec["namePrefix"]?.string ?? ""
        k.nameSuffix = spec["nameSuffix"]?.string ?? ""
        for p in spec["patches"]?.items ?? [] {
            guard let t = p["patch"], let text = t.scalarText else { continue }
            let line = t.style.contains(.block) ? t.mark.line + 1 : t.mark.line
            let at = r.at(t)
            k.patches.append(KPatch(body: .inline(text, at: SourceLocation(file: at.file, line: line, column: t.mark.column)),
                                    target: p["target"].map(KSelector.init), phase: .patches, at: r.at(p)))
        }
        transform = k
        let pb = spec["postBuild"]
        postBuildAt = pb.map { r.at($0) }
        var subs: [(String, String)] = []
        for (key, value) in pb?["substitute"]?.pairs ?? [] {
            if let name = key.scalarText, let v = value.scalarText { subs.append((name, v)) }
        }
        substitute = subs
        substituteFrom = (pb?["substituteFrom"]?.items ?? []).compactMap { i in
            guard let name = i["name"]?.string else { return nil }
            return (i["kind"]?.string ?? "ConfigMap", name, i["optional"]?.bool ?? false, r.at(i))
        }
    }

    var label: String { "Kustomization \(resource.namespace)/\(resource.name)" }
}

/// Flux's `envsubst`: `${var}`, `${var:=default}` and `${var:-default}`; `$${var}` stays literal.
enum Substitution {
    static func isName(_ s: Substring) -> Bool {
        guard let f = s.first, f == "_" || f.isLetter else { return false }
        return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// Replaces the variables of `text`. Variables without a value (and without a default) stay as
    /// written and are added to `unresolved`.
    static func apply(_ text: String, _ vars: [String: String], unresolved: inout Set<String>) -> String {
        guard text.contains("$") else { return text }
        var out = ""
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            guard c == "$" else { out.append(c); i = text.index(after: i); continue }
            let next = text.index(after: i)
            if next < text.endIndex, text[next] == "$" {
                let after = text.index(after: next)
                if after < text.endIndex, text[after] == "{" {
                    out += "$"          // `$${x}` → `${x}`, never substituted
                    out.append("{")
                    i = text.index(after: after)
                    // Copy up to the closing brace literally.
                    while i < text.endIndex, text[i] != "}" { out.append(text[i]); i = text.index(after: i) }
                    continue
                }
                out += "$$"
                i = text.index(after: next)
                continue
            }
            guard next < text.endIndex, text[next] == "{", let close = text[next...].firstIndex(of: "}") else {
                out.append(c); i = next; continue
            }
            let expr = text[text.index(after: next)..<close]
            var name = expr, fallback: Substring? = nil, emptyUsesDefault = false
            for op in [":=", ":-", "=", "-"] {
                if let r = expr.range(of: op), isName(expr[..<r.lowerBound]) {
                    name = expr[..<r.lowerBound]
                    fallback = expr[r.upperBound...]
                    emptyUsesDefault = op.hasPrefix(":")
                    break
                }
            }
            guard isName(name) else { out += text[i...close]; i = text.index(after: close); continue }
            if let v = vars[String(name)], !(emptyUsesDefault && v.isEmpty) {
                out += v
            } else if let d = fallback {
                out += d
            } else {
                unresolved.insert(String(name))
                out += text[i...close]
            }
            i = text.index(after: close)
        }
        return out
    }

    /// Whether a scalar anywhere below `node` contains `${`.
    static func mentionsVariable(_ node: Node) -> Bool {
        switch node.kind {
        case .scalar:
            return node.withBytes { b in
                guard b.count >= 3 else { return false }
                for j in 0..<(b.count - 1) where b[j] == 36 && b[j + 1] == 123 { return true }
                return false
            }
        case .sequence: return node.items.contains(where: mentionsVariable)
        case .mapping: return node.pairs.contains { mentionsVariable($0.value) }
        }
    }

    static let disabledKey = "kustomize.toolkit.fluxcd.io/substitute"

    /// Substitutes every value of every object (not keys), and the names and namespaces of objects
    /// whose trees are not kept. Objects annotated or labelled `substitute: disabled` are left alone.
    static func apply(to objects: inout [KObject], _ vars: [String: String], unresolved: inout Set<String>) {
        for i in objects.indices {
            if objects[i].annotations[disabledKey] == "disabled" || objects[i].labels[disabledKey] == "disabled" { continue }
            let newName = apply(objects[i].name, vars, unresolved: &unresolved)
            let newNamespace = apply(objects[i].namespace, vars, unresolved: &unresolved)
            if let node = objects[i].base.node, objects[i].value != nil || mentionsVariable(node) {
                var missing = unresolved
                objects[i].edit { v in
                    v.visitScalars { s in
                        if s.text.contains("${") || s.text.contains("$$") { s.text = apply(s.text, vars, unresolved: &missing) }
                    }
                }
                unresolved = missing
            }
            if newName != objects[i].name { objects[i].rename(newName) }
            if newNamespace != objects[i].namespace && !objects[i].base.namespace.isEmpty { objects[i].move(to: newNamespace) }
        }
    }
}
