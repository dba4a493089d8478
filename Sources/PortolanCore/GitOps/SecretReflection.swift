import Foundation

/// Secrets that arrive from elsewhere: copies made by a reflector (emberstack) or replicator (mittwald)
/// count as present in their target namespaces, and secrets that an ExternalSecret or SealedSecret
/// writes at run time are known to exist even though their certificates cannot be read.
public enum SecretReflection {
    static let reflector = "reflector.v1.k8s.emberstack.com/"
    static let replicator = "replicator.v1.mittwald.de/"

    /// The annotations of a Secret worth keeping (the loader keeps no other Secret metadata).
    static func copyAnnotations(_ n: Node?) -> [String: String] {
        guard let n, n.isMapping else { return [:] }
        var out: [String: String] = [:]
        for (k, v) in n.pairs {
            guard let key = k.scalarText, key.hasPrefix(reflector) || key.hasPrefix(replicator), let value = v.scalarText else { continue }
            out[key] = value
        }
        return out
    }

    /// Comma-separated namespace names or regular expressions (reflector's and replicator's lists).
    static func namespaceList(_ s: String?) -> [String]? {
        guard let s else { return nil }
        let items = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return items.isEmpty ? nil : items
    }

    static func matches(_ patterns: [String], _ ns: String) -> Bool {
        patterns.contains { p in
            if p == ns { return true }
            guard let r = try? NSRegularExpression(pattern: "^(?:" + p + ")$") else { return false }
            return r.firstMatch(in: ns, range: NSRange(ns.startIndex..., in: ns)) != nil
        }
    }
}

/// Adds the copies reflectors and replicators make, and records externally produced secrets.
struct SecretReflectionProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {
        apply(Self.prepare(b.store), to: b)
    }

    /// What the processor reads from the store alone: secrets written at run time, and the copy
    /// annotations of each secret. It needs no certificate, so it can run while they are being made.
    struct Prepared {
        var externalSecrets: [NamespacedName: String] = [:]
        var annotationsBySecret: [NamespacedName: [String: String]] = [:]
    }

    static func prepare(_ store: ResourceStore) -> Prepared {
        var p = Prepared()
        for r in store.all("ExternalSecret", groups: ["external-secrets.io"]) {
            let name = r.spec?["target", "name"]?.string ?? r.name
            p.externalSecrets[NamespacedName(r.namespace, name)] = "ExternalSecret \(r.namespace)/\(r.name)"
        }
        for r in store.all("ClusterExternalSecret", groups: ["external-secrets.io"]) {
            let spec = r.spec?["externalSecretSpec"]
            let name = spec?["target", "name"]?.string ?? r.spec?["externalSecretName"]?.string ?? r.name
            for ns in r.spec?["namespaces"]?.strings ?? [] {
                p.externalSecrets[NamespacedName(ns, name)] = "ClusterExternalSecret \(r.name)"
            }
        }
        for r in store.all("SealedSecret", groups: ["bitnami.com"]) {
            let meta = r.spec?["template", "metadata"]
            let name = meta?["name"]?.string ?? r.name
            let ns = meta?["namespace"]?.string ?? r.namespace
            p.externalSecrets[NamespacedName(ns, name)] = "SealedSecret \(r.namespace)/\(r.name)"
        }
        // Annotations of the Secret behind each certificate: the Secret's own, or a Certificate's secretTemplate.
        for r in store.all("Secret", groups: [""]) {
            if let a = r.secret?.annotations, !a.isEmpty { p.annotationsBySecret[r.namespacedName] = a }
        }
        for r in store.all("Certificate", groups: CertManagerProcessor.groups) {
            guard let a = r.spec?["secretTemplate", "annotations"]?.stringMap, !a.isEmpty,
                  let secret = r.spec?["secretName"]?.string else { continue }
            p.annotationsBySecret[NamespacedName(r.namespace, secret), default: [:]].merge(a) { x, _ in x }
        }
        return p
    }

    func apply(_ prepared: Prepared, to b: GraphBuilder) {
        for (k, v) in prepared.externalSecrets { b.externalSecrets[k] = v }
        copies(b, annotationsBySecret: prepared.annotationsBySecret)
    }

    /// Every namespace the input mentions.
    func namespaces(_ b: GraphBuilder) -> [String] {
        var s = Set<String>()
        for r in b.store.resources {
            if !r.namespace.isEmpty { s.insert(r.namespace) }
            if r.group.isEmpty && r.kind == "Namespace" { s.insert(r.name) }
        }
        return s.sorted()
    }

    func copies(_ b: GraphBuilder, annotationsBySecret: [NamespacedName: [String: String]]) {
        // Nothing is copied in most estates: stop before indexing every certificate.
        guard !annotationsBySecret.isEmpty else { return }
        let sources = b.certificates.filter { $0.secret != nil && $0.origin != .traefikACME }
        var bySecret: [NamespacedName: [CertificateInfo]] = [:]
        for c in sources { bySecret[c.secret!, default: []].append(c) }
        var existing = Set(b.certificates.map(\.id))
        var allNamespaces: [String]? = nil
        func everyNamespace() -> [String] {
            if allNamespaces == nil { allNamespaces = namespaces(b) }
            return allNamespaces!
        }
        func copy(_ c: CertificateInfo, to ns: String, name: String) {
            var x = CertificateInfo(origin: c.origin, namespace: ns, name: name, secretName: name, dnsNames: c.dnsNames,
                                    source: c.source, resource: c.resource)
            x.ipAddresses = c.ipAddresses; x.commonName = c.commonName; x.notBefore = c.notBefore; x.notAfter = c.notAfter
            x.issuer = c.issuer; x.issuerKind = c.issuerKind; x.issuerName = c.issuerName; x.issuerGroup = c.issuerGroup
            x.secretType = c.secretType
            x.reflectedFrom = c.id
            guard existing.insert(x.id).inserted else { return }
            b.add(x)
        }
        // Push: the source names where copies go.
        for (secret, a) in annotationsBySecret.sorted(by: { $0.key < $1.key }) {
            guard let certs = bySecret[secret] else { continue }
            var targets: [String] = []
            let r = SecretReflection.reflector, m = SecretReflection.replicator
            if a[r + "reflection-allowed"] == "true" && a[r + "reflection-auto-enabled"] == "true" {
                let allowed = SecretReflection.namespaceList(a[r + "reflection-allowed-namespaces"])
                let auto = SecretReflection.namespaceList(a[r + "reflection-auto-namespaces"]) ?? allowed
                targets += everyNamespace().filter { n in
                    (allowed.map { SecretReflection.matches($0, n) } ?? true) && (auto.map { SecretReflection.matches($0, n) } ?? true)
                }
            }
            if let to = SecretReflection.namespaceList(a[m + "replicate-to"]) {
                targets += everyNamespace().filter { SecretReflection.matches(to, $0) }
                // Namespaces named outright get copies even when nothing else in the input lives there.
                targets += to.filter { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }
            }
            if let sel = a[m + "replicate-to-matching"] {
                targets += everyNamespace().filter { LabelSelector.matches(sel, b.store.labels(ofNamespace: $0)) }
            }
            for t in Set(targets).sorted() where t != secret.namespace {
                for c in certs { copy(c, to: t, name: secret.name) }
            }
        }
        // Pull: a Secret in the target namespace names its source.
        for r in b.store.all("Secret", groups: [""]) {
            guard let a = r.secret?.annotations else { continue }
            let from = a[SecretReflection.reflector + "reflects"] ?? a[SecretReflection.replicator + "replicate-from"]
            guard let from, let slash = from.firstIndex(of: "/") else { continue }
            let src = NamespacedName(String(from[..<slash]), String(from[from.index(after: slash)...]))
            guard let certs = bySecret[src] else { continue }
            let sa = annotationsBySecret[src] ?? [:]
            let isReflector = a[SecretReflection.reflector + "reflects"] != nil
            let prefix = isReflector ? SecretReflection.reflector + "reflection-" : SecretReflection.replicator + "replication-"
            guard sa[prefix + "allowed"] == "true" else { continue }
            if let allowed = SecretReflection.namespaceList(sa[prefix + "allowed-namespaces"]), !SecretReflection.matches(allowed, r.namespace) { continue }
            for c in certs { copy(c, to: r.namespace, name: r.name) }
        }
    }
}
