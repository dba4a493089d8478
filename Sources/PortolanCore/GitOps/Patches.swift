/// Strategic-merge patches (of mappings, the common case) and RFC 6902 JSON patches, applied to
/// `YAMLValue`s the way `kustomize build` applies them.
enum Patches {
    // MARK: Strategic merge

    /// Lists merged by a key instead of replaced (built-in types; custom resources have no schema
    /// for kustomize, so their lists are replaced whole).
    static func mergeKey(group: String, kind: String, path: [String]) -> String? {
        if group.isEmpty && kind == "Service" && path == ["spec", "ports"] { return "port" }
        if path.last == "containers" || path.last == "initContainers" || path.last == "volumes" || path.last == "env" { return "name" }
        return nil
    }

    /// Merges `patch` into `target` (strategic-merge semantics: mappings merge key by key, `null`
    /// deletes, `$patch: replace|delete` directives, lists replaced unless they have a merge key).
    /// Returns false when the patch deletes the target itself.
    @discardableResult
    static func strategicMerge(_ target: inout YAMLValue, _ patch: YAMLValue, group: String, kind: String, path: [String] = []) -> Bool {
        switch patch.kind {
        case .mapping:
            if let d = patch["$patch"]?.string {
                if d == "delete" { return false }
                if d == "replace" { target = stripped(patch); return true }
            }
            guard target.kind == .mapping else { target = stripped(patch); return true }
            for (i, key) in patch.keys.enumerated() {
                if key.hasPrefix("$") { continue }
                let value = patch.items[i]
                if value.isNull {
                    target.remove(key)
                } else if let j = target.index(of: key) {
                    var child = target.items[j]
                    if strategicMerge(&child, value, group: group, kind: kind, path: path + [key]) {
                        target.items[j] = child
                    } else {
                        target.remove(key)
                    }
                } else {
                    target.set(key, stripped(value), keyOrigin: patch.keyOrigins[i])
                }
            }
            return true
        case .sequence:
            guard target.kind == .sequence, let key = mergeKey(group: group, kind: kind, path: path) else {
                target = stripped(patch)
                return true
            }
            // kustomize's order: the patch's items (merged with the ones they match), then the rest.
            var out: [YAMLValue] = []
            var matched = Set<Int>()
            for item in patch.items {
                guard item.kind == .mapping, let k = item[key]?.text else { out.append(stripped(item)); continue }
                if let j = target.items.indices.first(where: { !matched.contains($0) && target.items[$0][key]?.text == k }) {
                    matched.insert(j)
                    var child = target.items[j]
                    if strategicMerge(&child, item, group: group, kind: kind, path: path + ["[]"]) { out.append(child) }
                } else if item["$patch"]?.string != "delete" {
                    out.append(stripped(item))
                }
            }
            for (j, item) in target.items.enumerated() where !matched.contains(j) { out.append(item) }
            target.items = out
            return true
        case .scalar:
            target = patch
            return true
        }
    }

    /// A patch value without its `$patch`-style directives.
    static func stripped(_ v: YAMLValue) -> YAMLValue {
        switch v.kind {
        case .scalar: return v
        case .sequence:
            var out = v
            out.items = v.items.filter { $0["$patch"]?.string != "delete" }.map(stripped)
            return out
        case .mapping:
            var out = YAMLValue(mapping: v.origin)
            for (i, k) in v.keys.enumerated() where !k.hasPrefix("$") {
                out.set(k, stripped(v.items[i]), keyOrigin: v.keyOrigins[i])
            }
            return out
        }
    }

    // MARK: JSON patch (RFC 6902)

    struct JSONPatchError: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether a parsed patch document is a JSON patch (a list of operations).
    static func isJSONPatch(_ v: YAMLValue) -> Bool {
        v.kind == .sequence && !v.items.isEmpty && v.items.allSatisfy { $0.kind == .mapping && $0["op"] != nil }
    }

    /// Applies every operation in order; stops at the first failing one.
    static func applyJSONPatch(_ target: inout YAMLValue, _ ops: YAMLValue) throws {
        for op in ops.items {
            let name = op["op"]?.string ?? ""
            guard let path = op["path"]?.string else { throw JSONPatchError(description: "operation \(name) has no path") }
            let tokens = try pointer(path)
            switch name {
            case "add":
                guard let value = op["value"] else { throw JSONPatchError(description: "add \(path) has no value") }
                try insert(&target, tokens[...], value, replace: false, path: path)
            case "replace":
                guard let value = op["value"] else { throw JSONPatchError(description: "replace \(path) has no value") }
                _ = try get(target, tokens[...], path: path)
                try insert(&target, tokens[...], value, replace: true, path: path)
            case "remove":
                try remove(&target, tokens[...], path: path)
            case "move", "copy":
                guard let from = op["from"]?.string else { throw JSONPatchError(description: "\(name) \(path) has no from") }
                let ft = try pointer(from)
                let value = try get(target, ft[...], path: from)
                if name == "move" { try remove(&target, ft[...], path: from) }
                try insert(&target, tokens[...], value, replace: false, path: path)
            case "test":
                let value = try get(target, tokens[...], path: path)
                if let want = op["value"], want.kind == .scalar, value.text != want.text {
                    throw JSONPatchError(description: "test \(path) failed: \(value.text) is not \(want.text)")
                }
            default:
                throw JSONPatchError(description: "unknown operation \"\(name)\"")
            }
        }
    }

    static func pointer(_ p: String) throws -> [String] {
        if p.isEmpty { return [] }
        guard p.hasPrefix("/") else { throw JSONPatchError(description: "path \(p) does not start with /") }
        return p.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ v: YAMLValue, _ tokens: ArraySlice<String>, path: String) throws -> YAMLValue {
        guard let t = tokens.first else { return v }
        switch v.kind {
        case .mapping:
            guard let child = v[t] else { throw JSONPatchError(description: "path \(path) does not exist") }
            return try get(child, tokens.dropFirst(), path: path)
        case .sequence:
            guard let i = Int(t), i >= 0, i < v.items.count else { throw JSONPatchError(description: "path \(path) does not exist") }
            return try get(v.items[i], tokens.dropFirst(), path: path)
        case .scalar:
            throw JSONPatchError(description: "path \(path) does not exist")
        }
    }

    static func insert(_ v: inout YAMLValue, _ tokens: ArraySlice<String>, _ value: YAMLValue, replace: Bool, path: String) throws {
        guard let t = tokens.first else { v = value; return }
        let last = tokens.count == 1
        switch v.kind {
        case .mapping:
            if last { v.set(t, value); return }
            guard let i = v.index(of: t) else { throw JSONPatchError(description: "path \(path) does not exist") }
            try insert(&v.items[i], tokens.dropFirst(), value, replace: replace, path: path)
        case .sequence:
            if last {
                if t == "-" && !replace { v.items.append(value); return }
                guard let i = Int(t), i >= 0, i <= v.items.count, !(replace && i == v.items.count) else {
                    throw JSONPatchError(description: "index \(t) of \(path) is out of range")
                }
                if replace { v.items[i] = value } else { v.items.insert(value, at: i) }
                return
            }
            guard let i = Int(t), i >= 0, i < v.items.count else { throw JSONPatchError(description: "path \(path) does not exist") }
            try insert(&v.items[i], tokens.dropFirst(), value, replace: replace, path: path)
        case .scalar:
            throw JSONPatchError(description: "path \(path) does not exist")
        }
    }

    static func remove(_ v: inout YAMLValue, _ tokens: ArraySlice<String>, path: String) throws {
        guard let t = tokens.first else { throw JSONPatchError(description: "cannot remove the whole object") }
        let last = tokens.count == 1
        switch v.kind {
        case .mapping:
            guard let i = v.index(of: t) else { throw JSONPatchError(description: "path \(path) does not exist") }
            if last { v.remove(t) } else { try remove(&v.items[i], tokens.dropFirst(), path: path) }
        case .sequence:
            guard let i = Int(t), i >= 0, i < v.items.count else { throw JSONPatchError(description: "path \(path) does not exist") }
            if last { v.items.remove(at: i) } else { try remove(&v.items[i], tokens.dropFirst(), path: path) }
        case .scalar:
            throw JSONPatchError(description: "path \(path) does not exist")
        }
    }
}
