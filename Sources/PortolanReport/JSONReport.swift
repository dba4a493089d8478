import Dispatch
import Foundation
import PortolanCore

/// The JSON report: the machine interface described in `contract/report-json.md`.
public enum JSONReport {
    public static let schemaVersion = 1

    public static func render(_ e: Estate, version: String, htmlSafe: Bool = false) -> String {
        String(decoding: renderBytes(e, version: version, htmlSafe: htmlSafe), as: UTF8.self)
    }

    /// The report as UTF-8 bytes (large reports skip a String round trip).
    public static func renderBytes(_ e: Estate, version: String, htmlSafe: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        let pieces = renderPieces(e, version: version, htmlSafe: htmlSafe)
        out.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        for p in pieces { out.append(contentsOf: p) }
        return out
    }

    /// The report as consecutive pieces of UTF-8 (large arrays are rendered in parallel chunks that
    /// are written out as they are, never joined in memory).
    /// With `sink`, finished pieces are handed to it while the rest renders; the pieces returned
    /// come after them. The sink is called one call at a time, in order, but not always on the
    /// calling thread (a large array's chunks go out from the threads that render them).
    public static func renderPieces(_ e: Estate, version: String, htmlSafe: Bool = false,
                                    sink: (([[UInt8]]) -> Void)? = nil) -> [[UInt8]] {
        // One element of each top-level array per line.
        var w = JSONWriter(htmlSafe: htmlSafe, lineDepth: 2)
        w.segmentSink = sink
        write(e, version: version, to: &w)
        var pieces = w.pieces
        pieces.append([10])
        return pieces
    }

    public static func write(_ e: Estate, version: String, to w: inout JSONWriter) {
        let g = e.graph
        w.beginObject()
        w.field("schemaVersion", schemaVersion)
        w.key("generator")
        w.beginObject()
        w.field("name", "portolan")
        w.field("version", version)
        w.endObject()
        if e.nowIsFixed {
            w.field("now", UTCDate.rfc3339(e.now))
        }
        w.key("assumptions")
        writeAssumptions(g.profile, to: &w)
        w.key("inputs")
        var inputs = e.inputs
        inputs.problems = e.problems
        InventoryReport.writeInputs(inputs, to: &w)

        // Several GitOps environments: each entry carries its environment and ids are qualified by it.
        let parts: [(env: String?, estate: Estate)] = e.environments.isEmpty ? [(nil, e)] : e.environments.map { ($0.name, $0.estate) }
        if !e.environments.isEmpty {
            w.key("environments")
            w.beginArray()
            for env in e.environments {
                w.beginObject()
                w.field("name", env.name)
                w.field("root", env.environment.root)
                if let f = env.environment.flux { w.field("fluxKustomization", f) }
                if !env.environment.variables.isEmpty {
                    w.key("variables")
                    w.beginObject()
                    for k in env.environment.variables.keys.sorted() { w.field(k, env.environment.variables[k]!) }
                    w.endObject()
                }
                if !env.environment.unresolved.isEmpty { w.field("unresolved", env.environment.unresolved) }
                w.field("routes", env.estate.graph.routes.count)
                w.field("findings", env.estate.findings.count)
                w.endObject()
            }
            w.endArray()
        }
        func q(_ env: String?, _ id: String) -> String { env.map { "\($0):\(id)" } ?? id }

        let envs = parts.map(\.env)
        section("hosts", parts.map { $0.estate.graph.hosts }, envs: envs, to: &w) { hp, _, _, env, w in
            w.beginObject()
            w.field("name", hp.pointee.name)
            if let env { w.field("environment", env) }
            w.field("routes", hp.pointee.routes, prefix: env)
            w.key("providers")
            w.beginArray()
            for provider in hp.pointee.providers { w.value(provider.rawValue) }
            w.endArray()
            w.field("controllers", hp.pointee.controllers)
            w.field("tls", hp.pointee.tls.rawValue)
            w.field("certificates", hp.pointee.certificates, prefix: env)
            if hp.pointee.isUnresolved {
                w.field("unresolved", true)
                w.field("variables", hp.pointee.variables)
            }
            if !hp.pointee.candidates.isEmpty {
                w.key("candidates")
                w.beginArray()
                // Read in place: copying a candidate retains each of its strings.
                hp.pointee.candidates.withUnsafeBufferPointer { cs in
                    for i in cs.indices {
                        w.beginObject()
                        if let env { w.field("certificate", cs[i].certificate.map { q(env, $0) }) } else { w.field("certificate", cs[i].certificate) }
                        w.key("secret")
                        if let sec = cs[i].secret { w.value(sec.namespace, "/", sec.name) } else { w.null() }
                        w.field("covers", cs[i].covers)
                        w.field("reason", cs[i].reason)
                        if let env { w.field("route", q(env, cs[i].route)) } else { w.field("route", cs[i].route) }
                        w.endObject()
                    }
                }
                w.endArray()
            }
            w.endObject()
        }

        section("routes", parts.map { $0.estate.graph.routes }, envs: envs, to: &w) { r, _, _, env, w in
            writeRoute(r.pointee, environment: env, to: &w)
        }

        section("services", parts.map { $0.estate.graph.services }, envs: envs, to: &w) { sp, _, _, env, w in
            w.beginObject()
            w.field("namespace", sp.pointee.namespace)
            w.field("name", sp.pointee.name)
            if let env { w.field("environment", env) }
            w.field("type", sp.pointee.type)
            if let x = sp.pointee.externalName { w.field("externalName", x) }
            w.key("ports")
            w.beginArray()
            for p in sp.pointee.ports {
                w.beginObject()
                w.field("name", p.name)
                w.field("port", p.port)
                w.field("targetPort", p.targetPort)
                w.field("protocol", p.protocolName)
                w.endObject()
            }
            w.endArray()
            writeSource(sp.pointee.source, to: &w)
            w.endObject()
        }

        let graphs = parts.map { $0.estate.graph }
        section("certificates", graphs.map(\.certificates), envs: envs, to: &w) { cp, p, i, env, w in
            let c = cp.pointee   // copy-on-write: one reference
            w.beginObject()
            w.field("id", q(env, c.id))
            if let env { w.field("environment", env) }
            w.field("origin", c.origin.rawValue)
            w.field("namespace", c.namespace)
            w.field("name", c.name)
            w.field("secretName", c.secretName)
            w.field("dnsNames", c.dnsNames)
            if !c.ipAddresses.isEmpty { w.field("ipAddresses", c.ipAddresses) }
            if let cn = c.commonName { w.field("commonName", cn) }
            if let nb = c.notBefore { w.field("notBefore", UTCDate.rfc3339(nb)) }
            w.field("notAfter", c.notAfter.map(UTCDate.rfc3339))
            w.field("issuer", c.issuer)
            w.field("used", graphs[p].isCertificateUsed(at: i))
            if let from = c.reflectedFrom { w.field("reflectedFrom", q(env, from)) }
            w.key("resource")
            w.value(c.resource.display)
            writeSource(c.source, to: &w)
            w.endObject()
        }

        section("findings", parts.map { $0.estate.findings }, envs: envs, to: &w) { f, _, _, env, w in
            writeFinding(f.pointee, environment: env, to: &w)
        }
        w.endObject()
    }

    /// One top-level array of the report: the elements of every part (GitOps environment) in order,
    /// read in place and rendered in parallel chunks. `body` gets an element, its part, its position in
    /// that part and the part's environment.
    static func section<T>(_ key: String, _ arrays: [[T]], envs: [String?], to w: inout JSONWriter,
                           _ body: @escaping (UnsafePointer<T>, Int, Int, String?, inout JSONWriter) -> Void) {
        let counts = arrays.map(\.count)
        let n = counts.reduce(0, +)
        w.key(key)
        let element: (Int, inout JSONWriter) -> Void = { i, w in
            var k = i, p = 0
            while k >= counts[p] { k -= counts[p]; p += 1 }
            // The element is read in place (copying a host or service would reference-count every field).
            arrays[p].withUnsafeBufferPointer { body($0.baseAddress! + k, p, k, envs[p], &w) }
        }
        guard let sink = w.segmentSink, n > 0 else {
            w.rawArray(chunks: parallelElements(count: n, in: w, element))
            return
        }
        // Written out chunk by chunk, in order, as soon as each and those before it are done: the
        // writer starts early and a chunk's memory is reused once it is written.
        let outside = w
        w.beginArray()
        let separator = w.elementSeparator
        w.openStreamedElements()
        let inOrder = InOrder { c, chunk in sink(c == 0 ? [chunk] : [separator, chunk]) }
        _ = parallelElements(count: n, in: outside, done: inOrder.finished, element)
        w.endArray()
    }

    /// Hands chunks finished in any order to `emit` in their order.
    final class InOrder: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var waiting: [Int: [UInt8]] = [:]
        private let emit: (Int, [UInt8]) -> Void
        init(_ emit: @escaping (Int, [UInt8]) -> Void) { self.emit = emit }
        func finished(_ c: Int, _ chunk: [UInt8]) {
            lock.lock()
            defer { lock.unlock() }
            waiting[c] = chunk
            while let ready = waiting.removeValue(forKey: next) {
                emit(next, ready)
                next += 1
            }
        }
    }

    /// Renders the elements of a large array on all cores, each as one compact JSON value, in order:
    /// chunks of elements joined by the separator the array needs at `w`'s depth.
    /// With `done`, each chunk goes there when finished (and is not returned).
    static func parallelElements(count n: Int, in w: JSONWriter, done: ((Int, [UInt8]) -> Void)? = nil,
                                 _ body: @escaping (Int, inout JSONWriter) -> Void) -> [[UInt8]] {
        guard n > 0 else { return [] }
        let htmlSafe = w.htmlSafe
        var probe = w
        probe.beginArray()
        let separator = probe.elementSeparator
        let chunks = max(1, min(16, n / 256))
        let results = ParallelSlots<[UInt8]>(chunks)
        nonisolated(unsafe) let body = body
        nonisolated(unsafe) let done = done
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks, hi = n * (c + 1) / chunks
            var out = JSONWriter(htmlSafe: htmlSafe, pretty: false)
            for i in lo..<hi {
                if i > lo { out.raw(separator) }
                body(i, &out)
                out.reset()
                // Size the buffer from the first element, so that it does not grow (and copy) a dozen times.
                if i == lo && hi - lo > 1 { out.reserve(out.count * (hi - lo) * 5 / 4) }
            }
            if let done { done(c, out.bytes) } else { results.set(c, out.bytes) }
        }
        return done == nil ? results.values.map { $0! } : []
    }

    public static func writeRoute(_ r: Route, environment env: String? = nil, to w: inout JSONWriter) {
        w.beginObject()
        if let env { w.field("id", "\(env):\(r.id)"); w.field("environment", env) } else { w.field("id", r.id) }
        w.field("provider", r.provider.rawValue)
        w.field("controller", r.controller)
        if r.controllers.count > 1 { w.field("controllers", r.controllers) }
        w.field("kind", r.kind)
        w.field("apiVersion", r.apiVersion)
        w.field("namespace", r.namespace)
        w.field("name", r.name)
        w.field("hosts", r.hosts)
        w.field("path", r.path)
        w.field("pathType", r.pathType)
        w.field("match", r.match)
        if let p = r.parent { w.field("parent", p) }
        if r.layer != "http" { w.field("layer", r.layer) }
        if !r.entryPoints.isEmpty { w.field("entryPoints", r.entryPoints) }
        if let p = r.priority { w.field("priority", p) }
        if !r.middlewares.isEmpty { w.field("middlewares", r.middlewares) }
        let tls = r.tls   // one copy (each `r.tls` reads the whole description)
        w.key("tls")
        w.beginObject()
        w.field("enabled", tls.enabled)
        w.key("secret")
        if let sec = tls.secret { w.value(sec.namespace, "/", sec.name) } else { w.null() }
        w.field("resolver", tls.resolver)
        w.field("passthrough", tls.passthrough)
        if !tls.domains.isEmpty { w.field("domains", tls.domains) }
        w.endObject()
        w.key("backends")
        w.beginArray()
        for b in r.backends {
            w.beginObject()
            w.field("kind", b.kind)
            w.field("namespace", b.namespace)
            w.field("name", b.name)
            w.field("port", b.port)
            w.field("resolved", b.resolved)
            if let weight = b.weight { w.field("weight", weight) }
            if let via = b.via { w.field("via", via) }
            if let issue = b.issue { w.field("issue", describe(issue)) }
            w.endObject()
        }
        w.endArray()
        writeSource(r.source, to: &w)
        if !r.patchedBy.isEmpty { w.field("patchedBy", r.patchedBy) }
        w.endObject()
    }

    public static func describe(_ issue: BackendIssue) -> String {
        switch issue {
        case .serviceMissing: return "service-missing"
        case .portMissing: return "port-missing"
        case .referenceMissing: return "reference-missing"
        case .rejected(let rule, let reason): return "\(rule): \(reason)"
        }
    }

    public static func writeFinding(_ f: Finding, environment env: String? = nil, to w: inout JSONWriter) {
        w.beginObject()
        w.field("rule", f.rule)
        if let env { w.field("environment", env) }
        w.field("severity", f.severity.rawValue)
        w.field("message", f.message)
        w.field("hosts", f.hosts)
        w.key("resources")
        w.beginArray()
        for r in f.resources { writeDisplay(r, to: &w) }
        w.endArray()
        if let s = f.source {
            writeSource(s, to: &w)
        } else {
            w.key("source"); w.null()
        }
        w.endObject()
    }

    /// `ObjectRef.display` (`Kind[.group]/[namespace/]name`) as a string value, without building it.
    static func writeDisplay(_ r: ObjectRef, to w: inout JSONWriter) {
        let kind = r.group.isEmpty ? r.kind : r.kind + "." + r.group
        if r.namespace.isEmpty { w.value(kind, "/", r.name) } else { w.value(kind + "/", r.namespace + "/", r.name) }
    }

    static func writeSource(_ s: SourceLocation, to w: inout JSONWriter) {
        w.key("source")
        w.beginObject()
        w.field("file", s.file)
        w.field("line", s.line)
        w.endObject()
    }

    public static func writeAssumptions(_ p: ControllerProfile, to w: inout JSONWriter) {
        w.beginObject()
        w.key("traefik")
        w.beginObject()
        w.field("tlsEntryPoints", p.traefik.tlsEntryPoints)
        w.field("defaultEntryPoints", p.traefik.defaultEntryPoints)
        w.field("allowCrossNamespace", p.traefik.allowCrossNamespace)
        w.field("allowExternalNameServices", p.traefik.allowExternalNameServices)
        w.field("version", p.traefik.version)
        w.field("ingressClass", p.traefik.ingressClass)
        w.key("instances")
        w.beginArray()
        for i in p.traefik.instances {
            w.beginObject(); w.field("name", i.name); w.field("ingressClass", i.ingressClass); w.endObject()
        }
        w.endArray()
        if !p.traefik.entryPointRedirects.isEmpty {
            w.key("entryPointRedirects")
            w.beginObject()
            for k in p.traefik.entryPointRedirects.keys.sorted() { w.field(k, p.traefik.entryPointRedirects[k]!) }
            w.endObject()
        }
        w.endObject()
        w.key("contour")
        w.beginObject()
        w.field("rootNamespaces", p.contour.rootNamespaces)
        w.field("ingressClass", p.contour.ingressClass)
        w.field("enableExternalNameService", p.contour.enableExternalNameService)
        w.field("version", p.contourVersion)
        if !p.contour.instances.isEmpty {
            w.key("instances")
            w.beginArray()
            for i in p.contour.instances {
                w.beginObject(); w.field("name", i.name); w.field("ingressClass", i.ingressClass); w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        w.key("certManager")
        w.beginObject()
        w.field("defaultIssuer", p.certManager.defaultIssuer.map { "\(p.certManager.defaultIssuerKind)/\($0)" })
        w.field("gatewayAPI", p.certManager.gatewayAPI)
        w.field("version", p.certManagerVersion)
        w.endObject()
        w.key("ingressNginx")
        w.beginObject()
        w.field("ingressClass", p.ingressNginx.ingressClass)
        w.field("watchIngressWithoutClass", p.ingressNginx.watchIngressWithoutClass)
        w.endObject()
        w.key("gatewayAPI")
        w.beginObject()
        w.field("version", p.gatewayAPIVersion)
        w.endObject()
        w.key("kubernetes")
        w.beginObject()
        w.field("version", p.kubernetesVersion)
        w.endObject()
        w.endObject()
    }
}
