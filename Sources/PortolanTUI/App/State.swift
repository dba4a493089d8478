import PortolanCore
import PortolanReport

/// The three panes that take keys.
public enum Pane: Int, Sendable, CaseIterable {
    case navigator, graph, detail

    var context: BindingContext {
        switch self {
        case .navigator: return .navigator
        case .graph: return .graph
        case .detail: return .detail
        }
    }
}

/// The navigator list of one view: filter, sort, selection and the rows that pass.
public struct NavListState: Sendable, Equatable {
    public var filter = ""
    public var sort = 0
    public var list = ListState()
    /// Model rows shown, in order.
    public var rows: [Int] = []
    /// The rows were not worked out for the current model yet (a view not shown since it loaded):
    /// they are when the view is shown, keeping `pendingKey` selected.
    public var stale = false
    public var pendingKey: String? = nil
    public init() {}
}

/// The export form (`e`): a format from `Exporters.available` and a path.
public struct ExportForm: Sendable, Equatable {
    public enum Field: Sendable, Equatable { case format, path }
    public var formats: [ReportFormat]
    public var formatIndex: Int
    public var path: String
    public var field: Field = .path

    public init(formats: [ReportFormat], format: ReportFormat = .json, path: String? = nil) {
        self.formats = formats.isEmpty ? [.json] : formats
        formatIndex = self.formats.firstIndex(of: format) ?? 0
        self.path = path ?? ExportForm.defaultPath(self.formats[formatIndex])
    }

    public var format: ReportFormat { formats[formatIndex] }

    public static func defaultPath(_ f: ReportFormat) -> String { "portolan-report.\(f.fileExtension)" }

    /// Changes the format; a default path follows it (`portolan-report.md`).
    public mutating func cycle(_ delta: Int) {
        let wasDefault = path == ExportForm.defaultPath(format)
        formatIndex = (formatIndex + delta + formats.count) % formats.count
        if wasDefault { path = ExportForm.defaultPath(format) }
    }
}

/// The URL prompt (`x`): a path typed for the selected host, or a whole URL.
public struct ExplainPrompt: Sendable, Equatable {
    /// The host as the navigator shows it (maybe `*.example.com` or `*`).
    public var shownHost: String
    public var scheme: String
    public var path: String

    public init(shownHost: String, scheme: String, path: String = "/") {
        self.shownHost = shownHost; self.scheme = scheme; self.path = path
    }

    /// A name the host pattern matches: `*.example.com` is asked as `any.example.com`, `*` as `any.invalid`.
    public var host: String {
        if shownHost == "*" { return "any.invalid" }
        if shownHost.hasPrefix("*.") { return "any" + shownHost.dropFirst() }
        return shownHost
    }

    /// What is explained: the field when it is a whole URL, else scheme://host + path.
    public var url: String {
        let t = path.trimmingCharacters(in: .whitespaces)
        if t.lowercased().hasPrefix("http://") || t.lowercased().hasPrefix("https://") { return t }
        return "\(scheme)://\(host)" + (t.hasPrefix("/") ? t : "/" + t)
    }
}

/// An explanation shown over the screen, scrolled by `offset` rows.
public struct ExplanationView: Sendable, Equatable {
    public var url: String
    public var served: Bool
    public var lines: [String]
    public var offset = 0
    public init(url: String, served: Bool, lines: [String]) { self.url = url; self.served = served; self.lines = lines }
}

public enum Overlay: Sendable, Equatable {
    case none
    case help(ListState)
    case export(ExportForm)
    case explainPrompt(ExplainPrompt)
    case explanation(ExplanationView)
}

public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public init(_ text: String, isError: Bool = false) { self.text = text; self.isError = isError }
}

public enum Phase: Sendable, Equatable {
    case loading(done: Int, total: Int)
    case ready
}

/// Explanation and fix hint for a finding's rule (the rule catalogue plugs in here).
public struct FindingNotes: Sendable, Equatable {
    public var explanation: String
    public var fix: String
    public init(explanation: String, fix: String) { self.explanation = explanation; self.fix = fix }
}

public typealias FindingExplainer = @Sendable (Finding) -> FindingNotes?

/// Where to go back to (Esc / ← after drilling into a linked item).
public struct HistoryEntry: Sendable, Equatable {
    public var target: NavTarget
    public var focus: Pane
    public var tree: TreeState
}

/// Everything the screen shows, as a value: keys turn one state into the next (`Reducer`).
public struct AppState: Sendable {
    public var phase: Phase = .loading(done: 0, total: 0)
    /// The model the views show: the whole estate, or one GitOps environment of `rootModel`.
    public var model: ExplorerModel?
    /// The model as loaded (all environments).
    public var rootModel: ExplorerModel?
    /// The GitOps environment shown (`E` cycles); nil: all of them, each route labelled with its own.
    public var environment: String?
    public var theme: Theme
    public var keymap: Keymap = .standard
    public var size: Size
    /// The inputs, for the loading screen.
    public var inputs: [String] = []
    public var view: NavView = .hosts {
        didSet { if lists[view.index].stale { Reducer.refresh(&self, view, keepKey: lists[view.index].pendingKey) } }
    }
    public var lists: [NavListState] = Array(repeating: NavListState(), count: NavView.allCases.count)
    public var provider: Provider?
    public var focus: Pane = .navigator
    /// The route graph's expansion and selection, for `treeSubject`.
    public var tree = TreeState()
    public var treeSubject: NavTarget?
    public var detailVisible = false
    /// Rows scrolled in the YAML pane, relative to where the relevant line is placed.
    public var detailScroll = 0
    public var detailAnchor: SourceLocation?
    public var editingFilter = false
    public var overlay: Overlay = .none
    public var status: StatusMessage?
    public var history: [HistoryEntry] = []
    public var exportFormats: [ReportFormat] = Exporters.available
    /// The last export form, so `e` remembers a changed path.
    public var lastExport: ExportForm?
    public var explain: FindingExplainer = { _ in nil }

    public init(theme: Theme, size: Size, model: ExplorerModel? = nil) {
        self.theme = theme
        self.size = size
        if let model { self = Reducer.loaded(self, model) }
    }

    public var layout: ScreenLayout { ScreenLayout(size: size, detailVisible: detailVisible) }

    public var list: NavListState {
        get { lists[view.index] }
        set { lists[view.index] = newValue }
    }

    /// The model row selected in the navigator.
    public var selectedRow: Int? {
        let l = list
        return l.rows.isEmpty ? nil : l.rows[min(l.list.selected, l.rows.count - 1)]
    }

    /// The item the graph and YAML panes show.
    public var subject: NavTarget? {
        guard let model, let r = selectedRow else { return nil }
        return NavTarget(view, model.key(view, r))
    }

    public func graphRoots() -> [GraphNode] {
        guard let model, let s = subject else { return [] }
        return GraphTrees(model: model, theme: theme).tree(for: s)
    }

    public func graphRows() -> [TreeRow<GraphPayload>] {
        TreeFlattener.rows(graphRoots(), state: tree, symbols: theme.symbols)
    }

    /// The graph row selected, if any.
    public func selectedGraphRow(_ rows: [TreeRow<GraphPayload>]) -> TreeRow<GraphPayload>? {
        rows.isEmpty ? nil : rows[min(tree.list.selected, rows.count - 1)]
    }

    /// The source line the YAML pane shows and `o` opens.
    public func detailLocation(_ rows: [TreeRow<GraphPayload>]) -> SourceLocation? {
        if let r = selectedGraphRow(rows), let loc = r.node.payload.location { return loc }
        return rows.first?.node.payload.location
    }

    /// Findings the YAML pane lists: the selected graph node's, else the item's.
    public func detailFindings(_ rows: [TreeRow<GraphPayload>]) -> [Int] {
        if let r = selectedGraphRow(rows), !r.node.payload.findings.isEmpty { return r.node.payload.findings }
        return rows.first?.node.payload.findings ?? []
    }

    /// Binding contexts in force, most specific first.
    public var contexts: [BindingContext] {
        switch overlay {
        case .help: return [.help]
        case .export: return [.export]
        case .explainPrompt: return [.explain]
        case .explanation: return [.explanation]
        case .none: break
        }
        if editingFilter { return [.filter] }
        return [focus.context, .panes, .global]
    }
}
