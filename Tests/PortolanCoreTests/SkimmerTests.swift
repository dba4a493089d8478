import Foundation
import Testing
@testable import PortolanCore

/// The skimmer reads the identity of documents whose bodies Portolan does not need without libyaml.
/// Whatever it accepts must read exactly as libyaml reads it; anything else must go to libyaml.
@Suite struct SkimmerTests {
    /// What the loader takes from a parsed file: problems, and per document its identity and positions.
    static func summary(_ f: YAMLFile) -> [String] {
        var out = f.issues.map { "issue \($0.line):\($0.column) \($0.message)" }
        for d in f.documents {
            guard let root = d.root else { out.append("doc \(d.index) empty"); continue }
            let meta = root["metadata"]
            let fields: [String?] = [
                root["apiVersion"]?.string, root["kind"]?.string, meta?["name"]?.string, meta?["namespace"]?.string,
                meta?["generateName"]?.string, meta?["annotations"]?["portolan.dev/ignore"]?.scalarText,
            ]
            let first = root.pairs.first?.key.mark
            if let v = fields[0], let k = fields[1], root.kind == .mapping, Kinds.documentNeedsBody(apiVersion: v, kind: k) {
                // A body Portolan reads: the whole tree must be the same.
                out.append("doc \(d.index) line \(d.line) tree " + dump(root))
                continue
            }
            out.append("doc \(d.index) \(root.kind) at \(root.mark.line):\(root.mark.column) first \(first.map { "\($0.line):\($0.column)" } ?? "-") "
                       + fields.map { $0.map { "[\($0)]" } ?? "nil" }.joined(separator: " "))
        }
        return out
    }

    /// Every node: kind, style, text, position.
    static func dump(_ n: Node) -> String {
        let at = "@\(n.mark.line):\(n.mark.column)"
        switch n.kind {
        case .scalar: return "s\(n.style.rawValue)\(at)[\(n.scalarText ?? "")]"
        case .sequence: return "[\(at) " + n.items.map(dump).joined(separator: ", ") + "]"
        case .mapping: return "{\(at) " + n.pairs.map { dump($0.key) + ": " + dump($0.value) }.joined(separator: ", ") + "}"
        }
    }

    static func both(_ text: String) -> (skimmed: [String], libyaml: [String]) {
        let bytes = Array(text.utf8)
        return (summary(YAMLParser.parse(bytes, keepDocument: Kinds.documentNeedsBody, skim: true)),
                summary(YAMLParser.parse(bytes, keepDocument: Kinds.documentNeedsBody, skim: false)))
    }

    /// Whether the fast reader builds the document's tree by itself.
    static func buildsFast(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { FastReader.read($0, start: 0, end: $0.count, firstLine: 1, into: YAMLTree()) != nil }
    }

    /// Whether the skimmer itself accepts the document (not only that the outcome matches).
    static func accepts(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { b in
            Skimmer.skim(b, start: 0, end: b.count, firstLine: 1, wanted: Kinds.documentNeedsBody) != nil
        }
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels: {app: web, tier: "front"}
          annotations:
            example.com/owner: team-a  # a comment
            portolan.dev/ignore: 'backend-service-missing: it''s fine'
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - name: web
                image: registry.example.com/web:1.4.0
                args: ["--port", '8080', -v]
                command:
                  - sh
                  - -c
                  - |
                    echo hello
                      indented: not a key
                    done
                env:
                  - {name: A, value: "x y"}
                resources:
                  requests: {cpu: 50m, memory: 64Mi}
              - name: sidecar
                image: busybox
        status: {}

        """

    static let ingress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          annotations:
            cert-manager.io/cluster-issuer: 'letsencrypt'
            nginx.ingress.kubernetes.io/rewrite-target: /$2  # trailing comment
          labels: {app: web, "tier": front}
        spec:
          ingressClassName: nginx
          tls:
          - hosts: [a.example.com, 'b.example.com']
            secretName: web-tls
          -
            secretName: other
          rules:
            - host: a.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service: {name: web, port: {number: 80}}
                  - path: /api
                    pathType:
                    backend:
                      service:
                        name: api
                        port:
                          name: http
          defaultBackend:
        status:
          loadBalancer: {}

        """

    static let secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: web-tls
          namespace: shop
        type: kubernetes.io/tls
        stringData:
          tls.crt: |
            -----BEGIN CERTIFICATE-----
            MIIBszCCAVmgAwIBAgIU
              indented line

            -----END CERTIFICATE-----
          note: |-
            one
            two	tab

          tls.key: ""

        """

    @Test func buildsWantedTreesLikeLibyaml() {
        let (s, l) = Self.both("---\n" + Self.ingress + "---\n" + Self.secret)
        #expect(s == l)
        #expect(s.count == 2)
        // The fast reader built both (libyaml was not needed).
        #expect(Self.buildsFast(Self.secret))
        let bytes = Array(Self.ingress.utf8)
        let tree = YAMLTree()
        let root = bytes.withUnsafeBufferPointer { FastReader.read($0, start: 0, end: $0.count, firstLine: 1, into: tree) }
        #expect(root != nil)
        #expect(root.map { tree.node(Int($0))["spec", "rules"]?.items.first?["host"]?.string } == "a.example.com")
    }

    @Test func readsADeploymentLikeLibyaml() {
        #expect(Self.accepts(Self.deployment))
        let (s, l) = Self.both("---\n" + Self.deployment + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  A: '1'\n")
        #expect(s == l)
        #expect(s.contains("doc 0 mapping at 2:1 first 2:1 [apps/v1] [Deployment] [web] [shop] nil [backend-service-missing: it's fine]"))
    }

    @Test func firstKeyPositionIsKeptWhateverTheKey() {
        let text = "---\n# leading comment\nspec:\n  x: 1\n---\n  \nkind: ConfigMap\napiVersion: v1\nmetadata:\n  generateName: gen-\n"
        // `spec` before apiVersion/kind: libyaml builds it, so the skimmer leaves it to libyaml.
        #expect(!Self.accepts("spec:\n  x: 1\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"))
        #expect(Self.accepts("kind: ConfigMap\napiVersion: v1\nmetadata:\n  generateName: gen-\n"))
        let (s, l) = Self.both(text)
        #expect(s == l)
        #expect(s.last == "doc 1 mapping at 7:1 first 7:1 [v1] [ConfigMap] nil nil [gen-] nil")
    }

    @Test func bodiesThatAreNeededGoToLibyaml() {
        #expect(!Self.accepts("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n"))
        #expect(!Self.accepts("apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n"))
        #expect(!Self.accepts("apiVersion: v1\nkind: ConfigMapList\nitems: []\n"))
        #expect(!Self.accepts("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n"))
    }

    @Test(arguments: [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",                 // duplicate key
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {x: 1, x: 2}\n",    // duplicate in a flow map
        "apiVersion: v1\nkind: ConfigMap\nkind: ConfigMap\nmetadata:\n  name: a\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n",                           // tab indentation
        "apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: a\n",                        // anchor
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!str a\n",                     // tag
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"a\\tb\"\n",                    // escape
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   b\n",                      // multi-line plain
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\n",                         // `: ` in a value
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: 1\n",                  // bad indentation
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: [a, b\n",               // open flow
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {a: b}}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: |\n    x\n  y\n",        // less-indented block line
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: café\n",                         // non-ASCII
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n- x\n  - y\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n- name: a\n",                            // metadata as a list
        "apiVersion: ~\nkind: ConfigMap\nmetadata:\n  name: a\n",                             // null apiVersion
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: 'it's'\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\r\n",
    ])
    func leavesWhatItCannotCheckToLibyaml(_ text: String) {
        #expect(!Self.accepts(text))
        let (s, l) = Self.both("---\n" + text + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: next\n")
        #expect(s == l)
    }

    @Test func brokenDocumentsAroundSkimmedOnesKeepTheirPositions() {
        let text = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: c
              bad: [
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: d

            """
        let (s, l) = Self.both(text)
        #expect(s == l)
        #expect(s.filter { $0.hasPrefix("issue") }.count == 2)
        #expect(s.contains("doc 3 mapping at 16:1 first 16:1 [v1] [ConfigMap] [d] nil nil nil"))
    }

    /// Found by the fuzzer: bytes that are not UTF-8 in a later document. The document before them is
    /// kept, and the problem names the byte's offset in the file (not in the part libyaml was given).
    @Test func invalidUTF8LosesOnlyItsOwnDocument() {
        var bytes = Array("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n".utf8)
        let at = bytes.count
        bytes += [0xA3, 0x8F] + Array("kind: ConfigMap\n".utf8)
        let f = YAMLParser.parse(bytes, keepDocument: Kinds.documentNeedsBody)
        #expect(f.documents.count == 1)
        #expect(f.documents.first?.root?["metadata", "name"]?.string == "web")
        #expect(f.issues.count == 1)
        #expect(f.issues.first?.line == 6)
        #expect(f.issues.first?.message.hasSuffix("byte offset \(at))") == true)
    }

    @Test func directivesAndEndMarkersReadTheWholeFileWithLibyaml() {
        let text = "%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { YAMLParser.documentSegments($0) } == nil)
        let (s, l) = Self.both(text)
        #expect(s == l)
        #expect(s.count == 2)
    }

    /// Random edits of realistic documents (a fixed seed): whatever the skimmer makes of them must
    /// equal libyaml's reading, problems included.
    @Test func randomEditsReadAsLibyamlReadsThem() {
        var rng = PropertyTests.SplitMix(state: 0x5eed_cafe)
        let pieces = [" ", "  ", "\t", "#", " #x", ":", ": ", "- ", "-", "'", "\"", "''", "[", "]", "{", "}", ",", "&a ", "*a", "!x ",
                      "|", ">-", "---", "...", "\n", "\n  ", "name: z", "kind: Job", "é", "\\", "%", "?", "@", "~", "null", "x: [a, b]"]
        let bases = [Self.deployment, Self.ingress, Self.secret,
                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: n\ndata:\n  A: \"1\"\n  B: |\n    text\n",
                     "kind: Job\napiVersion: batch/v1\nmetadata:\n  annotations: {}\n  name: j\nspec:\n  template: {spec: {containers: [{name: a}]}}\n"]
        var skimmed = 0, built = 0
        let rounds = Int(ProcessInfo.processInfo.environment["SKIM_ROUNDS"] ?? "") ?? 3000
        if let s = ProcessInfo.processInfo.environment["SKIM_SEED"], let v = UInt64(s) { rng = PropertyTests.SplitMix(state: v) }
        for round in 0..<rounds {
            var lines = bases[round % bases.count].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<(1 + rng.next() % 3) {
                let li = Int(rng.next() % UInt64(lines.count))
                var line = Array(lines[li])
                let at = line.isEmpty ? 0 : Int(rng.next() % UInt64(line.count + 1))
                switch rng.next() % 4 {
                case 0: line.insert(contentsOf: pieces[Int(rng.next() % UInt64(pieces.count))], at: at)
                case 1: if !line.isEmpty { line.remove(at: min(at, line.count - 1)) }
                case 2: lines.insert(lines[li], at: li)
                default: line = Array(pieces[Int(rng.next() % UInt64(pieces.count))]) + line
                }
                lines[li] = String(line)
            }
            let doc = lines.joined(separator: "\n")
            if Self.accepts(doc) { skimmed += 1 }
            if Self.buildsFast(doc) { built += 1 }
            let text = "---\n" + doc + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n"
            let (s, l) = Self.both(text)
            #expect(s == l, "round \(round):\n\(doc)")
            if s != l { break }
        }
        // The edits must leave a good share of documents in the subset, or the test checks little.
        #expect(skimmed > 300)
        #expect(built > 300)
    }
}
