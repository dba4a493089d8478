/// API groups and kinds Portolan knows about.
public enum Kinds {
    /// Splits `group/version` (or `v1` for the core group).
    public static func splitAPIVersion(_ apiVersion: String) -> (group: String, version: String) {
        // Searched as bytes (a Character search walks grapheme clusters).
        let u = apiVersion.utf8
        if let slash = u.lastIndex(of: UInt8(ascii: "/")) {
            return (String(apiVersion[..<slash]), String(apiVersion[u.index(after: slash)...]))
        }
        return ("", apiVersion)
    }

    /// Kinds that have no namespace.
    public static let clusterScoped: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "StorageClass", "PriorityClass", "IngressClass", "GatewayClass", "ClusterIssuer", "APIService",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "CSIDriver", "CSINode", "RuntimeClass", "VolumeAttachment",
        "ClusterSecretStore", "ClusterPolicy", "PodSecurityPolicy", "ComponentStatus", "CertificateSigningRequest",
        "ClusterExternalSecret",
    ]

    public static func isClusterScoped(group: String, kind: String) -> Bool {
        // The commonest kinds are answered without hashing (asked for every object).
        switch kind {
        case "Deployment", "ConfigMap", "Service", "Secret", "Ingress", "Certificate", "IngressRoute", "HTTPRoute", "HTTPProxy":
            return false
        default:
            return clusterScoped.contains(kind)
        }
    }

    /// Groups whose objects the route graph and the analysis read: their node trees are kept.
    public static let routingGroups: Set<String> = [
        "networking.k8s.io", "extensions", "traefik.io", "traefik.containo.us", "projectcontour.io",
        "contour.heptio.com", "gateway.networking.k8s.io", "gateway.networking.x-k8s.io", "cert-manager.io",
        "certmanager.k8s.io", "acme.cert-manager.io", "kustomize.toolkit.fluxcd.io", "external-secrets.io",
        "bitnami.com", "route.openshift.io", "networking.istio.io", "k8s.nginx.org", "getambassador.io",
        "apisix.apache.org", "configuration.konghq.com",
    ]

    /// Core-group kinds whose node trees are kept (compared, not hashed: asked for every object).
    public static func keepsCoreKind(_ kind: String) -> Bool { kind == "Service" || kind == "Namespace" }

    /// Whether a document's body (beyond apiVersion, kind and metadata) must be built while parsing.
    @Sendable public static func documentNeedsBody(apiVersion: String, kind: String) -> Bool {
        if kind == "Secret" || kind.hasSuffix("List") { return true }
        return keepsNode(group: splitAPIVersion(apiVersion).group, kind: kind)
    }

    public static func keepsNode(group: String, kind: String) -> Bool {
        // The commonest answers without hashing (asked for every document and object).
        if group.isEmpty { return keepsCoreKind(kind) }
        if group == "apps" { return false }
        return routingGroups.contains(group)
    }
}
