import Foundation

/// `.portolan.yaml`: rules to disable, severity changes, ignored paths, expiry threshold and the
/// controller profile. Unknown keys and bad values are errors naming file and line.
public struct PortolanConfig: Sendable {
    public var disabledRules: Set<String> = []
    public var severities: [String: Severity] = [:]
    /// Globs (relative to the folder holding the config; `**` matches any number of folders) of files not to read.
    public var ignorePaths: [String] = []
    public var expiryWarningDays = 21
    public var profile = ControllerProfile()
    /// Limits for hostile input (`limits:`); nil fields keep the defaults.
    public var limits = YAMLLimits()
    public var maxFileSize: Int? = nil
    /// The file it came from, if any.
    public var file: String?
    /// The folder ignorePaths are relative to.
    public var root: String?

    public init() {}

    public static let fileNames = [".portolan.yaml", ".portolan.yml"]

    /// Finds `.portolan.yaml` in the scanned root: the first directory among `paths` (the current folder when none).
    public static func discover(paths: [String]) -> String? {
        let roots = paths.isEmpty ? ["."] : paths
        for p in roots where p != "-" {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue else { continue }
            for n in fileNames {
                let f = (p as NSString).appendingPathComponent(n)
                if FileManager.default.fileExists(atPath: f) { return f }
            }
            return nil
        }
        return nil
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public var description: String
    }

    public static func load(file: String) throws -> PortolanConfig {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Error(description: "\(file): cannot read the configuration file")
        }
        var c = try parse(Array(data), file: file)
        c.root = (file as NSString).deletingLastPathComponent
        return c
    }

    public static func parse(_ bytes: [UInt8], file: String) throws -> PortolanConfig {
        let parsed = YAMLParser.parse(bytes)
        if let issue = parsed.issues.first {
            throw Error(description: "\(file):\(issue.line):\(issue.column): not valid YAML: \(issue.message)")
        }
        var c = PortolanConfig()
        c.file = file
        guard let root = parsed.documents.first?.root, !root.isNull else { return c }
        let r = Reader(file: file)
        try r.mapping(root, keys: ["rules", "ignorePaths", "expiryWarningDays", "controllers", "limits"])
        if let l = root["limits"] {
            try r.mapping(l, keys: ["aliasExpansion", "maxDepth", "maxDocumentsPerFile", "maxNodesPerDocument", "maxFileSize"])
            func count(_ key: String) throws -> Int? {
                guard let n = l[key] else { return nil }
                guard let v = n.int, v > 0 else { throw r.error(n, "\(key) must be a positive whole number") }
                return v
            }
            if let v = try count("aliasExpansion") { c.limits.aliasExpansion = v }
            if let v = try count("maxDepth") { c.limits.maxDepth = v }
            if let v = try count("maxDocumentsPerFile") { c.limits.maxDocuments = v }
            if let v = try count("maxNodesPerDocument") { c.limits.maxNodesPerDocument = v }
            if let v = try count("maxFileSize") { c.maxFileSize = v }
        }
        if let rules = root["rules"] {
            try r.mapping(rules, keys: ["disable", "severity"])
            for n in try r.strings(rules["disable"]) {
                guard RuleCatalog.rule(n.value) != nil else { throw r.error(n.node, "unknown rule id \"\(n.value)\" (see `portolan rules`)") }
                c.disabledRules.insert(n.value)
            }
            if let sev = rules["severity"] {
                try r.mapping(sev, keys: nil)
                for (k, v) in sev.pairs {
                    guard let id = k.string, RuleCatalog.rule(id) != nil else {
                        throw r.error(k, "unknown rule id \"\(k.scalarText ?? "")\" (see `portolan rules`)")
                    }
                    guard let s = v.string.flatMap(Severity.init(rawValue:)) else {
                        throw r.error(v, "severity must be error, warning or info")
                    }
                    c.severities[id] = s
                }
            }
        }
        c.ignorePaths = try r.strings(root["ignorePaths"]).map(\.value)
        if let d = root["expiryWarningDays"] {
            guard let n = d.int, n >= 0 else { throw r.error(d, "expiryWarningDays must be a whole number of days") }
            c.expiryWarningDays = n
        }
        if let ctl = root["controllers"] {
            try r.mapping(ctl, keys: ["traefik", "contour", "certManager", "ingressNginx", "gatewayAPI", "kubernetes"])
            var p = ControllerProfile()
            if let t = ctl["traefik"] {
                try r.mapping(t, keys: ["tlsEntryPoints", "defaultEntryPoints", "allowCrossNamespace", "allowExternalNameServices",
                                        "version", "ingressClass", "instances", "entryPointRedirects"])
                if t["tlsEntryPoints"] != nil { p.traefik.tlsEntryPoints = try r.strings(t["tlsEntryPoints"]).map(\.value) }
                if t["defaultEntryPoints"] != nil { p.traefik.defaultEntryPoints = try r.strings(t["defaultEntryPoints"]).map(\.value) }
                if let b = try r.bool(t["allowCrossNamespace"]) { p.traefik.allowCrossNamespace = b }
                if let b = try r.bool(t["allowExternalNameServices"]) { p.traefik.allowExternalNameServices = b }
                if let v = try r.string(t["version"]) { p.traefik.version = v }
                if let v = try r.string(t["ingressClass"]) { p.traefik.ingressClass = v }
                if let m = t["entryPointRedirects"] {
                    try r.mapping(m, keys: nil)
                    for (k, v) in m.pairs {
                        guard let from = k.string, !from.isEmpty, let to = v.string, !to.isEmpty else {
                            throw r.error(v, "entryPointRedirects maps an entry point to the entry point it redirects to (web: websecure)")
                        }
                        p.traefik.entryPointRedirects[from] = to
                    }
                }
                if let list = t["instances"] {
                    guard list.isSequence else { throw r.error(list, "instances must be a list of {name, ingressClass}") }
                    for i in list.items {
                        try r.mapping(i, keys: ["name", "ingressClass"])
                        guard let name = try r.string(i["name"]), let cls = try r.string(i["ingressClass"]) else {
                            throw r.error(i, "an instance needs name and ingressClass")
                        }
                        p.traefik.instances.append(.init(name: name, ingressClass: cls))
                    }
                }
            }
            if let t = ctl["contour"] {
                try r.mapping(t, keys: ["rootNamespaces", "ingressClass", "enableExternalNameService", "version", "instances"])
                if let list = t["instances"] {
                    guard list.isSequence else { throw r.error(list, "instances must be a list of {name, ingressClass}") }
                    for i in list.items {
                        try r.mapping(i, keys: ["name", "ingressClass"])
                        guard let name = try r.string(i["name"]), let cls = try r.string(i["ingressClass"]) else {
                            throw r.error(i, "an instance needs name and ingressClass")
                        }
                        p.contour.instances.append(.init(name: name, ingressClass: cls))
                    }
                }
                if t["rootNamespaces"] != nil { p.contour.rootNamespaces = try r.strings(t["rootNamespaces"]).map(\.value) }
                if let v = try r.string(t["ingressClass"]) { p.contour.ingressClass = v }
                if let b = try r.bool(t["enableExternalNameService"]) { p.contour.enableExternalNameService = b }
                if let v = try r.string(t["version"]) { p.contourVersion = v }
            }
            if let t = ctl["certManager"] {
                try r.mapping(t, keys: ["defaultIssuer", "defaultIssuerKind", "gatewayAPI", "version"])
                if let v = try r.string(t["defaultIssuer"]) { p.certManager.defaultIssuer = v.isEmpty ? nil : v }
                if let v = try r.string(t["defaultIssuerKind"]) {
                    guard v == "Issuer" || v == "ClusterIssuer" else { throw r.error(t["defaultIssuerKind"]!, "defaultIssuerKind must be Issuer or ClusterIssuer") }
                    p.certManager.defaultIssuerKind = v
                }
                if let b = try r.bool(t["gatewayAPI"]) { p.certManager.gatewayAPI = b }
                if let v = try r.string(t["version"]) { p.certManagerVersion = v }
            }
            if let t = ctl["ingressNginx"] {
                try r.mapping(t, keys: ["ingressClass", "watchIngressWithoutClass"])
                if let v = try r.string(t["ingressClass"]) { p.ingressNginx.ingressClass = v }
                if let b = try r.bool(t["watchIngressWithoutClass"]) { p.ingressNginx.watchIngressWithoutClass = b }
            }
            if let t = ctl["gatewayAPI"] {
                try r.mapping(t, keys: ["version"])
                if let v = try r.string(t["version"]) { p.gatewayAPIVersion = v }
            }
            if let t = ctl["kubernetes"] {
                try r.mapping(t, keys: ["version"])
                if let v = try r.string(t["version"]) { p.kubernetesVersion = v }
            }
            c.profile = p
        }
        return c
    }

    /// Typed reading with errors that name file and line.
    struct Reader {
        let file: String

        func error(_ n: Node, _ message: String) -> Error {
            Error(description: "\(file):\(n.mark.line):\(n.mark.column): \(message)")
        }

        func mapping(_ n: Node, keys: [String]?) throws {
            guard n.isMapping else { throw error(n, "expected a mapping") }
            guard let keys else { return }
            for (k, _) in n.pairs {
                guard let name = k.string, keys.contains(name) else {
                    throw error(k, "unknown key \"\(k.scalarText ?? "?")\" (expected one of: \(keys.joined(separator: ", ")))")
                }
            }
        }

        func strings(_ n: Node?) throws -> [(value: String, node: Node)] {
            guard let n else { return [] }
            if n.isNull { return [] }
            guard n.isSequence else { throw error(n, "expected a list of strings") }
            return try n.items.map { i in
                guard let s = i.string else { throw error(i, "expected a string") }
                return (s, i)
            }
        }

        func string(_ n: Node?) throws -> String? {
            guard let n else { return nil }
            guard n.isScalar else { throw error(n, "expected a string") }
            return n.scalarText
        }

        func bool(_ n: Node?) throws -> Bool? {
            guard let n else { return nil }
            guard let b = n.bool else { throw error(n, "expected true or false") }
            return b
        }
    }

    /// Whether a path (relative to the config's folder) matches an ignore glob.
    public func ignores(_ path: String) -> Bool {
        ignorePaths.contains { Glob.matches($0, path) }
    }
}

/// Path globs: `*` and `?` within a folder name, `**` across folders.
public enum Glob {
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let s = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return match(p[...], s[...])
    }

    static func match(_ p: ArraySlice<String>, _ s: ArraySlice<String>) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "**" {
            let rest = p.dropFirst()
            var i = s.startIndex
            while true {
                if match(rest, s[i...]) { return true }
                if i == s.endIndex { return false }
                i += 1
            }
        }
        guard let seg = s.first, fnmatch(first, seg, 0) == 0 else { return false }
        return match(p.dropFirst(), s.dropFirst())
    }
}
