import Dispatch
import Foundation
import PortolanCore

/// The navigator's views, switched with `1`–`6`.
public enum NavView: Int, CaseIterable, Sendable, Hashable {
    case hosts = 1, routes, services, certificates, findings, files

    public var title: String {
        switch self {
        case .hosts: return "Hosts"
        case .routes: return "Routes"
        case .services: return "Services"
        case .certificates: return "Certificates"
        case .findings: return "Findings"
        case .files: return "Files"
        }
    }

    /// A shorter title for narrow screens.
    public var shortTitle: String {
        switch self {
        case .certificates: return "Certs"
        case .files: return "Files"
        default: return title
        }
    }

    var index: Int { rawValue - 1 }
}

/// An item of some view, by a key that survives a reload (host name, route id...).
public struct NavTarget: Hashable, Sendable {
    public var view: NavView
    public var key: String
    public init(_ view: NavView, _ key: String) { self.view = view; self.key = key }
}

/// A row of the Files view: a file, or a problem under it.
public enum FileRow: Sendable {
    /// A file that was read (index into `inputs.files`).
    case file(Int)
    /// A path with problems that was not read (skipped, unreadable).
    case path(String)
    case problem(Problem)
}

/// Per-view data for filtering and sorting, computed once per load.
struct ViewData: Sendable {
    static func index(_ keys: [String]) -> [String: Int] {
        var d: [String: Int] = [:]
        d.reserveCapacity(keys.count)
        for (i, k) in keys.enumerated() where d[k] == nil { d[k] = i }
        return d
    }

    var count: Int
    /// Lowercased text the filter searches.
    var search: [[UInt8]]
    /// Providers concerned (bit per `Provider`), 0 when none.
    var providers: [UInt8]
    /// Worst finding severity (3 error, 2 warning, 1 info, 0 none).
    var worst: [UInt8]
    /// Identity of each row.
    var keys: [String]
    /// Row of each key (the first, should keys repeat).
    var keyIndex: [String: Int] = [:]
    /// One comparator per sort (named in `ExplorerModel.sortNamesByView`); nil keeps the natural order
    /// (the graph's own sorting).
    var sorts: [(@Sendable (Int, Int) -> Bool)?]
}

/// The estate with the indexes the views need (findings per host, route, certificate; reverse
/// references; per-view search text). Built once per load; read-only afterwards.
public final class ExplorerModel: @unchecked Sendable {
    public let estate: Estate
    public var graph: RouteGraph { estate.graph }

    public let findingsByHost: [String: [Int]]
    public let findingsByRoute: [String: [Int]]
    public let findingsByCertificate: [String: [Int]]
    public let findingsByResource: [ObjectRef: [Int]]
    public let findingsByFile: [String: [Int]]
    /// Routes (indexes) with a backend on a Service.
    public let routesByService: [NamespacedName: [Int]]
    /// For each certificate id: the hosts it was considered for, with the verdict.
    public let coverageByCertificate: [String: [(host: String, candidate: CoverageCandidate)]]
    public let fileRows: [FileRow]
    public let providerCounts: [Provider: Int]
    public let severityCounts: [Severity: Int]
    public let problems: [Problem]
    public let resourceCount: Int
    /// Resources (indexes into `inputs.resources`) per file, in file order.
    public let resourcesByFile: [String: [Int]]
    public let sources: SourceCache
    /// Each view's rows (search text, sort orders, keys) and its first order: built on first use,
    /// and all of them in the background from the moment the model exists. The first frame waits
    /// only for the view it shows; the others are ready by the time a key asks for them.
    private let viewSlots: [Once<(data: ViewData, firstOrder: [Int])>]
    /// Row counts of each view, known without building it (tabs and status bar).
    private let viewCounts: [Int]
    func view(_ v: NavView) -> ViewData { viewSlots[v.index].value.data }
    /// The sorts each view offers, in `NavView` order.
    static let sortNamesByView: [[String]] = [["name", "findings", "routes", "tls"], ["host", "id", "provider", "controller"],
                                              ["name", "routes"], ["name", "expiry", "origin"], ["severity", "location", "rule"], ["path"]]

    private let lock = NSLock()
    private var sortCache: [Int: [Int]] = [:]
    private var environmentModels: [String: ExplorerModel] = [:]

    /// GitOps environments of the estate (empty for a plain tree).
    public var environmentNames: [String] { estate.environments.map(\.name) }

    /// The model of one environment (built on first use).
    public func environmentModel(_ name: String) -> ExplorerModel {
        lock.lock()
        if let hit = environmentModels[name] { lock.unlock(); return hit }
        lock.unlock()
        guard let env = estate.environments.first(where: { $0.name == name }) else { return self }
        let m = ExplorerModel(env.estate, sources: sources)
        lock.lock()
        environmentModels[name] = m
        lock.unlock()
        return m
    }

    public convenience init(_ estate: Estate) { self.init(estate, sources: SourceCache(estate.inputs)) }

    public init(_ estate: Estate, sources: SourceCache) {
        self.estate = estate
        self.sources = sources
        let g = estate.graph
        // The graph's own lookup tables are used throughout: built now, side by side.
        g.prepareIndexes()
        // Five independent indexes, built side by side.
        nonisolated(unsafe) var byHost: [String: [Int]] = [:], byRoute: [String: [Int]] = [:], byCert: [String: [Int]] = [:]
        nonisolated(unsafe) var byResource: [ObjectRef: [Int]] = [:], byFile: [String: [Int]] = [:]
        nonisolated(unsafe) var sev: [Severity: Int] = [:]
        nonisolated(unsafe) var bySvc: [NamespacedName: [Int]] = [:]
        nonisolated(unsafe) var provCounts: [Provider: Int] = [:]
        nonisolated(unsafe) var cov: [String: [(host: String, candidate: CoverageCandidate)]] = [:]
        nonisolated(unsafe) var rbf: [String: [Int]] = [:]
        nonisolated(unsafe) var fileRowList: [FileRow] = []
        DispatchQueue.concurrentPerform(iterations: 5) { part in
            switch part {
            case 0:
                for (i, f) in estate.findings.enumerated() {
                    for h in Set(f.hosts) { byHost[h, default: []].append(i) }
                    for r in Set(f.routes) { byRoute[r, default: []].append(i) }
                    for c in Set(f.certificates) { byCert[c, default: []].append(i) }
                    for r in Set(f.resources) { byResource[r, default: []].append(i) }
                    if let s = f.source { byFile[s.file, default: []].append(i) }
                    sev[f.severity, default: 0] += 1
                }
            case 1:
                for (i, r) in g.routes.enumerated() {
                    provCounts[r.provider, default: 0] += 1
                    var seen = Set<NamespacedName>()
                    for b in r.backends where b.kind == "Service" {
                        let k = NamespacedName(b.namespace, b.name)
                        if seen.insert(k).inserted { bySvc[k, default: []].append(i) }
                    }
                }
            case 2:
                for h in g.hosts {
                    for c in h.candidates { if let id = c.certificate { cov[id, default: []].append((h.name, c)) } }
                }
            case 3:
                for (i, r) in estate.inputs.resources.enumerated() { rbf[r.source.file, default: []].append(i) }
            default:
                fileRowList = Self.makeFileRows(estate.inputs, problems: estate.problems)
            }
        }
        findingsByHost = byHost; findingsByRoute = byRoute; findingsByCertificate = byCert
        findingsByResource = byResource; findingsByFile = byFile; severityCounts = sev
        routesByService = bySvc
        providerCounts = provCounts
        coverageByCertificate = cov
        problems = estate.problems
        resourceCount = estate.inputs.resources.count
        resourcesByFile = rbf
        fileRows = fileRowList

        // Per-view data.
        // The parts joined by spaces and lowercased (ASCII directly; other text through `lowercased()`),
        // written straight into one buffer per row (no arrays of parts to concatenate first).
        func lower(_ parts: [String]) -> [UInt8] { lowered { t in t.add(parts) } }
        func lowered(_ fill: (inout SearchText) -> Void) -> [UInt8] {
            var t = SearchText()
            fill(&t)
            return t.bytes
        }
        func mask(_ ps: some Sequence<Provider>) -> UInt8 {
            ps.reduce(0) { $0 | ExplorerModel.bit($1) }
        }
        func worst(_ idx: [Int]?) -> UInt8 {
            UInt8(idx?.map { estate.findings[$0].severity.rank }.max() ?? 0)
        }
        let routes = g.routes, hosts = g.hosts, services = g.services, certs = g.certificates, findings = estate.findings

        // Hosts
        let makeHosts: () -> ViewData = {
            let hostWorst = hosts.map { worst(byHost[$0.name]) }
            let hostFindings = hosts.map { byHost[$0.name]?.count ?? 0 }
            return ViewData(
                count: hosts.count,
                search: hosts.indices.map { i in lowered { t in
                    t.add(hosts[i].name); t.add(hosts[i].tls.rawValue)
                    for p in hosts[i].providers { t.add(p.rawValue) }
                    t.add(hosts[i].controllers)
                    if hosts[i].controllers.count > 1 { t.add("conflict") }
                } },
                providers: hosts.map { mask($0.providers) },
                worst: hostWorst,
                keys: hosts.map(\.name),
                sorts: [
                    nil,
                    { a, b in
                        if hostWorst[a] != hostWorst[b] { return hostWorst[a] > hostWorst[b] }
                        return hostFindings[a] != hostFindings[b] ? hostFindings[a] > hostFindings[b] : a < b
                    },
                    { a, b in hosts[a].routes.count != hosts[b].routes.count ? hosts[a].routes.count > hosts[b].routes.count : a < b },
                    { a, b in
                        let ra = ExplorerModel.tlsRank(hosts[a]), rb = ExplorerModel.tlsRank(hosts[b])
                        return ra != rb ? ra < rb : a < b
                    },
                ])
        }

        // Routes
        let makeRoutes: () -> ViewData = {
            ViewData(
                count: routes.count,
                search: routes.map { r in lowered { t in
                    t.add(r.id); t.add(r.controller); t.add(r.path); t.add(r.match); t.add(r.kind)
                    t.add(r.namespace, "/", r.name); t.add(r.provider.rawValue); t.add(r.hosts)
                    for b in r.backends { t.add(b.display) }
                } },
                providers: routes.map { ExplorerModel.bit($0.provider) },
                worst: routes.map { worst(byRoute[$0.id]) },
                keys: routes.map(\.id),
                sorts: [
                    { a, b in
                        let ha = routes[a].hosts.first ?? "", hb = routes[b].hosts.first ?? ""
                        if ha != hb { return utf8Precedes(ha, hb) }
                        if routes[a].path != routes[b].path { return routes[a].path < routes[b].path }
                        return a < b
                    },
                    nil,
                    { a, b in routes[a].provider != routes[b].provider ? routes[a].provider < routes[b].provider : a < b },
                    { a, b in routes[a].controller != routes[b].controller ? routes[a].controller < routes[b].controller : a < b },
                ])
        }

        // Services
        let makeServices: () -> ViewData = {
            let svcRoutes: [[Int]] = services.map { bySvc[NamespacedName($0.namespace, $0.name)] ?? [] }
            return ViewData(
                count: services.count,
                search: services.indices.map { i in lowered { t in
                    t.add(services[i].namespace, "/", services[i].name); t.add(services[i].type); t.add(services[i].externalName ?? "")
                    for p in services[i].ports { t.add(String(p.port), " ", p.name ?? "") }
                } },
                providers: svcRoutes.map { mask($0.map { routes[$0].provider }) },
                worst: services.map { worst(byResource[ExplorerModel.serviceRef($0)]) },
                keys: services.map { "\($0.namespace)/\($0.name)" },
                sorts: [
                    nil,
                    { a, b in svcRoutes[a].count != svcRoutes[b].count ? svcRoutes[a].count > svcRoutes[b].count : a < b },
                ])
        }

        // Certificates
        let makeCertificates: () -> ViewData = {
            let certProviders: [UInt8] = certs.map { c in
                var m: UInt8 = 0
                for (_, cand) in cov[c.id] ?? [] { if let r = g.route(cand.route) { m |= ExplorerModel.bit(r.provider) } }
                return m
        }
        return ViewData(
            count: certs.count,
            search: certs.map { c in lowered { t in
                t.add(c.id); t.add(c.origin.rawValue); t.add(c.secretName ?? ""); t.add(c.issuer ?? ""); t.add(c.commonName ?? "")
                t.add(c.dnsNames)
            } },
            providers: certProviders,
            worst: certs.map { worst(byCert[$0.id]) },
            keys: certs.map(\.id),
            sorts: [
                { a, b in
                    (certs[a].namespace, certs[a].name, a) < (certs[b].namespace, certs[b].name, b)
                },
                { a, b in
                    let ea = certs[a].notAfter ?? .infinity, eb = certs[b].notAfter ?? .infinity
                    return ea != eb ? ea < eb : a < b
                },
                nil,
            ])
        }

        // Findings
        let makeFindings: () -> ViewData = {
            ViewData(
                count: findings.count,
                search: findings.map { f in lowered { t in
                    t.add(f.rule); t.add(f.severity.rawValue); t.add(f.message); t.add(f.source?.description ?? ""); t.add(f.hosts)
                } },
                providers: findings.map { f in
                    var m: UInt8 = 0
                    for r in f.routes { if let route = g.route(r) { m |= ExplorerModel.bit(route.provider) } }
                    for h in f.hosts { if let host = g.host(h) { m |= mask(host.providers) } }
                    return m
                },
                worst: findings.map { UInt8($0.severity.rank) },
                keys: findings.map(ExplorerModel.findingKey),
                sorts: [
                    { a, b in findings[a].severity != findings[b].severity ? findings[a].severity > findings[b].severity : a < b },
                    nil,
                    { a, b in findings[a].rule != findings[b].rule ? findings[a].rule < findings[b].rule : a < b },
                ])
        }

        // Files
        let rows = fileRows, files = estate.inputs.files
        let makeFiles: () -> ViewData = {
            ViewData(
                count: rows.count,
                search: rows.map { row in
                    switch row {
                    case .file(let i): return lower([files[i].path])
                    case .path(let p): return lower([p])
                    case .problem(let p): return lower([p.file, p.message])
                    }
                },
                providers: rows.map { _ in 0 },
                worst: rows.map { row in
                    if case .problem = row { return 2 }
                    return 0
                },
                keys: rows.map { row in
                    switch row {
                    case .file(let i): return files[i].path
                    case .path(let p): return p
                    case .problem(let p): return "\(p.file):\(p.line):\(p.column):\(p.message)"
                    }
                },
                sorts: [nil])
        }

        // The six views are independent. Each also puts its rows in the first (default) order.
        let makers = [makeHosts, makeRoutes, makeServices, makeCertificates, makeFindings, makeFiles]
        viewSlots = makers.enumerated().map { i, make in
            Once {
                var v = make()
                assert(v.sorts.count == ExplorerModel.sortNamesByView[i].count, "one comparator per sort name")
                v.keyIndex = ViewData.index(v.keys)
                let natural = Array(0..<v.count)
                return (v, v.sorts.first.flatMap { $0 }.map { natural.sorted(by: $0) } ?? natural)
            }
        }
        viewCounts = [hosts.count, routes.count, services.count, certs.count, findings.count, fileRows.count]
        // Built side by side in the background, hosts (the first view) first.
        nonisolated(unsafe) let slots = viewSlots
        DispatchQueue.global(qos: .userInitiated).async {
            DispatchQueue.concurrentPerform(iterations: slots.count) { _ = slots[$0].value }
        }
    }

    static func bit(_ p: Provider) -> UInt8 {
        switch p {
        case .ingress: return 1
        case .traefik: return 2
        case .contour: return 4
        case .gatewayAPI: return 8
        }
    }

    static func tlsRank(_ h: PortolanCore.Host) -> Int {
        if h.tls == .uncovered { return 0 }
        if h.controllers.count > 1 { return 1 }
        switch h.tls {
        case .none: return 2
        case .passthrough: return 3
        default: return 4
        }
    }

    public static func serviceRef(_ s: ServiceInfo) -> ObjectRef {
        ObjectRef(group: "", kind: "Service", namespace: s.namespace, name: s.name)
    }

    public static func findingKey(_ f: Finding) -> String {
        "\(f.rule)|\(f.source?.description ?? "")|\(f.message)"
    }

    static func makeFileRows(_ inputs: LoadedInputs, problems: [Problem]) -> [FileRow] {
        var byFile: [String: [Problem]] = [:]
        for p in problems { byFile[p.file, default: []].append(p) }
        for (p, reason) in inputs.unreadablePaths where byFile[p] == nil {
            byFile[p] = [Problem(file: p, line: 0, column: 0, message: "cannot read: \(reason)")]
        }
        // Files come in path order from the loader (checked here); the few paths that only have
        // problems are sorted and merged in, so the long list is never sorted again.
        let files = inputs.files
        var fileIndex: [String: Int] = [:]
        fileIndex.reserveCapacity(files.count)
        var ordered = true
        for (i, f) in files.enumerated() {
            fileIndex[f.path] = i
            if i > 0 && !utf8Precedes(files[i - 1].path, f.path) { ordered = false }
        }
        let others = byFile.keys.filter { fileIndex[$0] == nil }.sorted(by: { utf8Precedes($0, $1) })
        var paths: [String]
        if ordered {
            paths = []
            paths.reserveCapacity(files.count + others.count)
            var j = 0
            for f in files {
                while j < others.count && utf8Precedes(others[j], f.path) { paths.append(others[j]); j += 1 }
                paths.append(f.path)
            }
            paths.append(contentsOf: others[j...])
        } else {
            paths = (files.map(\.path) + others).sorted(by: { utf8Precedes($0, $1) })
        }
        var rows: [FileRow] = []
        rows.reserveCapacity(paths.count + problems.count)
        for p in paths {
            rows.append(fileIndex[p].map { .file($0) } ?? .path(p))
            for pr in (byFile[p] ?? []).sorted() { rows.append(.problem(pr)) }
        }
        return rows
    }

    // MARK: Queries

    public func count(_ v: NavView) -> Int { viewCounts[v.index] }
    public func sortNames(_ v: NavView) -> [String] { ExplorerModel.sortNamesByView[v.index] }
    public func key(_ v: NavView, _ i: Int) -> String { view(v).keys[i] }
    public func worstSeverity(_ v: NavView, _ i: Int) -> Severity? {
        switch view(v).worst[i] {
        case 3: return .error
        case 2: return .warning
        case 1: return .info
        default: return nil
        }
    }

    /// Row indexes of a view in the order of sort `s` (cached).
    public func order(_ v: NavView, sort s: Int) -> [Int] {
        let data = view(v)
        let si = min(max(0, s), data.sorts.count - 1)
        if si == 0 { return viewSlots[v.index].value.firstOrder }
        let cacheKey = v.rawValue * 16 + si
        lock.lock()
        if let hit = sortCache[cacheKey] { lock.unlock(); return hit }
        lock.unlock()
        let natural = Array(0..<data.count)
        let order = data.sorts[si].map { natural.sorted(by: $0) } ?? natural
        lock.lock()
        sortCache[cacheKey] = order
        lock.unlock()
        return order
    }

    /// The rows to show: sorted, restricted to a provider, filtered by substring (or its inverse with `!`).
    public func visibleRows(_ v: NavView, sort: Int, provider: Provider?, filter: String,
                            narrowing previous: (filter: String, rows: [Int])? = nil) -> [Int] {
        let data = view(v)
        // Typing one more character only narrows the list: search the rows the last filter kept.
        if let previous, !filter.hasPrefix("!"), !previous.filter.hasPrefix("!"), !previous.filter.isEmpty,
           filter.lowercased().hasPrefix(previous.filter.lowercased()) {
            let q = Filter(filter)
            return previous.rows.filter { q.matches(data.search[$0]) }
        }
        var rows = order(v, sort: sort)
        if let provider {
            let bit = ExplorerModel.bit(provider)
            // Files concern no provider: the filter leaves them alone.
            if v != .files { rows = rows.filter { data.providers[$0] & bit != 0 } }
        }
        let q = Filter(filter)
        guard !q.needle.isEmpty else { return rows }
        return rows.filter { q.matches(data.search[$0]) }
    }

    public func row(_ v: NavView, key: String) -> Int? { view(v).keyIndex[key] }
}

/// The navigator's filter: a case-insensitive substring; a leading `!` inverts it.
public struct Filter: Sendable {
    public var inverted: Bool
    public var needle: [UInt8]

    public init(_ text: String) {
        inverted = text.hasPrefix("!")
        needle = Array((inverted ? String(text.dropFirst()) : text).lowercased().utf8)
    }

    public func matches(_ haystack: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        return Filter.contains(haystack, needle) != inverted
    }

    /// Byte substring search: memchr for the first byte, memcmp for the rest.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                guard let hb = h.baseAddress, let nb = n.baseAddress, h.count >= n.count else { return false }
                let last = h.count - n.count
                var i = 0
                while i <= last {
                    guard let p = memchr(hb + i, Int32(nb[0]), last - i + 1) else { return false }
                    let j = UnsafeRawPointer(p) - UnsafeRawPointer(hb)
                    if memcmp(hb + j, nb, n.count) == 0 { return true }
                    i = j + 1
                }
                return false
            }
        }
    }

    public func matches(_ s: String) -> Bool { matches(Array(s.lowercased().utf8)) }
}

/// A row's search text: its parts lowercased and joined by single spaces (every part counts, empty or
/// not, so the text is the same as joining them first).
struct SearchText {
    private(set) var bytes: [UInt8] = []
    private var parts = 0

    init() { bytes.reserveCapacity(96) }

    /// One part.
    mutating func add(_ p: String) { separate(); append(p) }
    /// One part written in pieces (`namespace/name`) without joining them first.
    mutating func add(_ a: String, _ b: String, _ c: String) { separate(); append(a); append(b); append(c) }
    /// Each string a part.
    mutating func add(_ ps: [String]) { for p in ps { add(p) } }

    private mutating func separate() {
        if parts > 0 { bytes.append(32) }
        parts += 1
    }

    private mutating func append(_ p: String) {
        if p.utf8.allSatisfy({ $0 < 0x80 }) {
            for b in p.utf8 { bytes.append(b >= 65 && b <= 90 ? b + 32 : b) }
        } else {
            bytes.append(contentsOf: p.lowercased().utf8)
        }
    }
}
