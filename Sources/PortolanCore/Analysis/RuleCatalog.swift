/// A check with a stable id. The ids are part of Portolan's interface.
public struct Rule: Sendable, Hashable {
    public var id: String
    public var severity: Severity
    /// One line: when it fires.
    public var description: String
    /// Why it matters (shown in the TUI's detail pane, SARIF help and `portolan rules`).
    public var explanation: String
    /// How to fix it.
    public var hint: String
}

/// The catalogue of every rule (static table: rules are data).
public enum RuleCatalog {
    public static let all: [Rule] = [
        Rule(id: "cert-manager-annotation-ignored", severity: .error,
             description: "cert-manager annotations sit where cert-manager does not look (Traefik IngressRoute, Contour HTTPProxy/IngressRoute, tls-acme on a Gateway, legacy certmanager.k8s.io annotations)",
             explanation: "cert-manager's ingress-shim and gateway-shim watch only Ingress, Gateway and ListenerSet objects. Annotations on any other kind (and the pre-0.11 certmanager.k8s.io annotations anywhere) have no effect: no Certificate is created and the secret the route names stays empty.",
             hint: "Add a cert-manager Certificate whose secretName is the secret the route uses, or move the route to Ingress/Gateway API."),
        Rule(id: "tls-host-uncovered", severity: .error,
             description: "a host served over TLS has no certificate whose names cover it",
             explanation: "Clients check the requested hostname against the certificate's DNS subjectAltNames (the CN is ignored; a wildcard covers exactly one label). When no certificate the controller can present covers the host, browsers and API clients refuse the connection.",
             hint: "Add the host to the certificate's dnsNames (or tls[].hosts for ingress-shim), or reference a secret whose certificate covers it."),
        Rule(id: "tls-secret-missing", severity: .warning,
             description: "a route's or listener's TLS secret is produced by nothing in the input (no Secret, no Certificate, no shim)",
             explanation: "The controller serves its default certificate (or refuses the listener) until the secret exists. Nothing in the input creates it: no Secret, no cert-manager Certificate, no ingress-shim or gateway-shim annotation.",
             hint: "Create the secret, add a cert-manager Certificate with that secretName, or add a cert-manager issuer annotation to the Ingress/Gateway."),
        Rule(id: "host-provider-conflict", severity: .error,
             description: "one host is claimed by routes served by different controllers, including one Ingress accepted by two controllers",
             explanation: "Each controller programs its own proxy, and DNS sends a host to one load balancer: the routes of the other controller never see traffic, or both proxies answer depending on the client's path to the cluster.",
             hint: "Serve the host from one controller: delete or re-class the other routes (ingressClassName / kubernetes.io/ingress.class)."),
        Rule(id: "host-route-conflict", severity: .warning,
             description: "the same host and path are claimed twice under one controller",
             explanation: "Traefik picks one router by priority (by default the longer rule wins), Gateway API the oldest route (then namespace/name), ingress-nginx the first Ingress; Contour marks both root HTTPProxies invalid, so the host serves nothing.",
             hint: "Keep one route per host and path; merge the objects or make the matches distinct."),
        Rule(id: "backend-service-missing", severity: .warning,
             description: "a route's backend Service is not in the input",
             explanation: "The controller has no endpoints for the route: requests get 503 (or 502) responses.",
             hint: "Create the Service, or fix the backend name and namespace."),
        Rule(id: "backend-port-missing", severity: .warning,
             description: "the Service exists but has no such port (number or name)",
             explanation: "Routes name the Service port (spec.ports[].port or .name), never the container port. A port the Service does not declare has no endpoints.",
             hint: "Use one of the Service's ports, or add the port to the Service."),
        Rule(id: "backend-reference-rejected", severity: .error,
             description: "the controller will refuse the backend: a Traefik cross-namespace service, or an ExternalName service it is not configured to allow",
             explanation: "Traefik rejects references to other namespaces unless allowCrossNamespace is set, and ExternalName services unless allowExternalNameServices is set; Contour ignores ExternalName services unless enableExternalNameService is set. The route then has no working backend.",
             hint: "Move the route next to the Service, or enable the option in the controller (and in .portolan.yaml under controllers:)."),
        Rule(id: "deprecated-api", severity: .warning,
             description: "an API version that is deprecated, or no longer served by the target version (error then)",
             explanation: "Objects of an API version the cluster or controller no longer serves are rejected by the API server or ignored by the controller: their routes and certificates silently disappear after an upgrade.",
             hint: "Migrate the object to the replacement API version."),
        Rule(id: "ingress-class-ambiguous", severity: .warning,
             description: "an Ingress names a class no IngressClass defines, has none while no default exists, or two IngressClasses are marked default",
             explanation: "Without a resolvable class, which controllers take the Ingress depends on their command-line flags (watch-ingress-without-class, --ingress-class): several may serve it, or none.",
             hint: "Set spec.ingressClassName to an existing IngressClass, and mark exactly one IngressClass as default."),
        Rule(id: "annotation-controller-mismatch", severity: .warning,
             description: "an Ingress carries annotations of a controller that does not serve it",
             explanation: "Controller-specific annotations are read only by that controller: nginx.ingress.kubernetes.io/* on a Traefik Ingress (or traefik.ingress.kubernetes.io/* on an nginx one) does nothing, so rewrites, TLS settings or redirects the author expected are not applied.",
             hint: "Use the serving controller's equivalent (Traefik middlewares, Contour HTTPProxy fields...) or change the Ingress class."),
        Rule(id: "tls-hosts-mismatch", severity: .warning,
             description: "a tls[].hosts entry matches no rule host, or a rule host served with TLS is missing from tls[].hosts",
             explanation: "ingress-nginx, Contour and HAProxy pick the certificate of a rule by comparing its host with tls[].hosts exactly. A mismatch means the host is served without the intended certificate, or not over TLS at all.",
             hint: "Make tls[].hosts list exactly the rule hosts that should be served over TLS."),
        Rule(id: "gateway-attachment-invalid", severity: .error,
             description: "a parentRef names a Gateway, ListenerSet or listener that does not exist, no listener hostname intersects the route's, or allowedRoutes forbids the namespace or kind",
             explanation: "A route that does not attach to any listener is not programmed into the data plane: its hosts return 404.",
             hint: "Fix the parentRef (name, namespace, sectionName, port), the route hostnames, or the listener's allowedRoutes."),
        Rule(id: "reference-grant-missing", severity: .error,
             description: "a Gateway API cross-namespace backendRef or certificateRef without a ReferenceGrant allowing it",
             explanation: "Gateway API forbids references to another namespace unless a ReferenceGrant in the target namespace allows them. The backend gets 500 responses; the listener's certificate is not loaded.",
             hint: "Add a ReferenceGrant in the target namespace (from the route's or Gateway's kind and namespace, to the Service or Secret)."),
        Rule(id: "certificate-unissuable", severity: .error,
             description: "a Certificate or shim certificate that cert-manager cannot obtain (issuer missing or in another namespace, wildcard over HTTP-01, HTTP-01 solver not served by the host's controller)",
             explanation: "cert-manager reports the Certificate as not Ready and the secret is never written (or never renewed): the route falls back to a default certificate.",
             hint: "Reference an existing Issuer in the same namespace or a ClusterIssuer; use a DNS-01 solver for wildcards; point the HTTP-01 solver at the class or Gateway that serves the host."),
        Rule(id: "certificate-expired", severity: .error,
             description: "a parsed certificate is past its notAfter date",
             explanation: "Clients reject expired certificates. A certificate stored in a Secret is served as it is until something replaces it.",
             hint: "Renew the certificate (or let cert-manager manage it with a Certificate for that secret)."),
        Rule(id: "certificate-expiring", severity: .warning,
             description: "a parsed certificate expires within --expiry-warning days (default 21), or with less than a third of its lifetime left",
             explanation: "Certificates that are not renewed automatically expire in production. The threshold scales down for short-lived certificates.",
             hint: "Renew it now, or move it under cert-manager so it renews itself."),
        Rule(id: "certificate-unused", severity: .info,
             description: "a Certificate or TLS Secret that no route uses",
             explanation: "Unused certificates still cost issuance quota and renewals, and often mean a route names the wrong secret.",
             hint: "Delete it, or reference it from the route that should use it."),
        Rule(id: "traefik-acme-single-instance", severity: .info,
             description: "a route relies on a Traefik certResolver (ACME inside Traefik)",
             explanation: "Traefik's built-in ACME keeps certificates in one instance's storage (acme.json): with several replicas each one requests its own, hitting rate limits, and the certificates are not visible to Kubernetes.",
             hint: "Use cert-manager with a Certificate for the route's secret to get HA-friendly certificates."),
        Rule(id: "plaintext-only", severity: .info,
             description: "a host reachable only over plain HTTP",
             explanation: "No route serves the host over TLS: traffic and credentials travel unencrypted.",
             hint: "Add TLS to a route for this host (a tls section, a TLS entry point or an HTTPS listener) and a certificate."),
        Rule(id: "reference-missing", severity: .warning,
             description: "a Traefik Middleware, TLSOption, TLSStore, TraefikService or HTTPProxy include that is not in the input",
             explanation: "The controller refuses the route (Traefik) or answers 502 for the included prefix (Contour) while the referenced object is missing.",
             hint: "Create the referenced object, or fix the reference's name and namespace."),
        Rule(id: "routing-kind-unsupported", severity: .info,
             description: "routing objects Portolan does not analyse (OpenShift Route, Istio Gateway/VirtualService, NGINX VirtualServer, Emissary Mapping/Host, APISIX, Kong TCPIngress)",
             explanation: "These objects also claim hosts, so a report without conflicts is not proof that none exist: Portolan does not build routes from them.",
             hint: "Review these objects by hand, or convert them to a supported API (Ingress, Gateway API)."),
    ]

    public static let byID: [String: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    public static func rule(_ id: String) -> Rule? { byID[id] }
}
