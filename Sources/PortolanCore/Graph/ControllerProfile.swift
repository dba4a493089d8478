/// Facts that manifests cannot show, with documented defaults. Overridable in `.portolan.yaml`
/// under `controllers:`, and printed in every report as `assumptions`.
public struct ControllerProfile: Sendable, Hashable {
    public struct Traefik: Sendable, Hashable {
        /// Entry points that terminate TLS (the official Helm chart's `websecure`).
        public var tlsEntryPoints: [String] = ["websecure"]
        /// Entry points a router without `entryPoints` listens on (all of them by default).
        public var defaultEntryPoints: [String] = ["web", "websecure"]
        public var allowCrossNamespace = false
        public var allowExternalNameServices = false
        /// Target version: v3 no longer serves `traefik.containo.us`.
        public var version = "v3"
        /// Class of the default instance (empty: objects without a class, or class `traefik`).
        public var ingressClass = ""
        /// Further instances, told apart by ingress class: named `traefik@NAME`.
        public var instances: [Instance] = []
        /// Entry-point redirections of the static configuration (`entryPoints.web.http.redirections.entryPoint.to`):
        /// every request on the key entry point is redirected to the value entry point (HTTPS). Empty by default.
        public var entryPointRedirects: [String: String] = [:]
        public struct Instance: Sendable, Hashable {
            public var name: String
            public var ingressClass: String
            public init(name: String, ingressClass: String) { self.name = name; self.ingressClass = ingressClass }
        }
        public init() {}
    }

    public struct Contour: Sendable, Hashable {
        /// `--root-namespaces`: empty means every namespace may hold root HTTPProxies.
        public var rootNamespaces: [String] = []
        /// `--ingress-class-name`: empty means objects without a class, or class `contour`.
        public var ingressClass = ""
        public var enableExternalNameService = false
        /// Further instances, told apart by ingress class: named `contour@NAME`.
        public var instances: [Traefik.Instance] = []
        public init() {}

        /// The Contour instance that serves a class ("" for none), or nil when none does.
        public func instance(forClass cls: String) -> String? {
            for i in instances where i.ingressClass == cls { return "contour@\(i.name)" }
            if ingressClass.isEmpty { return cls.isEmpty || cls == "contour" ? "contour" : nil }
            return cls == ingressClass ? "contour" : nil
        }
    }

    public struct CertManager: Sendable, Hashable {
        /// `--default-issuer-name/kind/group`, needed for `kubernetes.io/tls-acme`; nil: none.
        public var defaultIssuer: String? = nil
        public var defaultIssuerKind = "ClusterIssuer"
        /// gateway-shim enabled (`config.enableGatewayAPI`).
        public var gatewayAPI = true
        public init() {}
    }

    public struct IngressNginx: Sendable, Hashable {
        /// `--ingress-class` (the annotation value it answers to).
        public var ingressClass = "nginx"
        /// `--watch-ingress-without-class`.
        public var watchIngressWithoutClass = false
        public init() {}
    }

    public var traefik = Traefik()
    public var contour = Contour()
    public var certManager = CertManager()
    public var ingressNginx = IngressNginx()
    /// Target Kubernetes version (decides which API versions are still served).
    public var kubernetesVersion = "1.33"
    /// Target cert-manager and Contour versions.
    public var certManagerVersion = "1.19"
    public var contourVersion = "1.33"
    public var gatewayAPIVersion = "1.4"

    public init() {}

    /// The Traefik instance that owns an object with this ingress class ("" for none), or nil when
    /// no configured instance accepts it.
    public func traefikInstance(forClass cls: String?) -> String? {
        let c = cls ?? ""
        for i in traefik.instances where i.ingressClass == c { return "traefik@\(i.name)" }
        if traefik.ingressClass.isEmpty {
            if c.isEmpty || c == "traefik" { return "traefik" }
            return nil
        }
        return c == traefik.ingressClass ? "traefik" : nil
    }

    /// Every Traefik controller name in this profile.
    public var traefikControllers: [String] { ["traefik"] + traefik.instances.map { "traefik@\($0.name)" } }
}

/// Compares dotted versions such as "1.22" and "v3.0".
public func versionAtLeast(_ v: String, _ minimum: String) -> Bool {
    func parts(_ s: String) -> [Int] {
        s.trimmingPrefix("v").split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
    }
    let a = parts(v), b = parts(minimum)
    for i in 0..<max(a.count, b.count) {
        let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
        if x != y { return x > y }
    }
    return true
}

extension String {
    func trimmingPrefix(_ p: String) -> Substring { hasPrefix(p) ? dropFirst(p.count) : Substring(self) }
}
