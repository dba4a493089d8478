/// Short controller names for IngressClass `spec.controller` and GatewayClass `spec.controllerName`
/// values (report-json.md: `controller`).
public enum ControllerNames {
    static let known: [String: String] = [
        "k8s.io/ingress-nginx": "ingress-nginx",
        "nginx.org/ingress-controller": "nginx-inc",
        "traefik.io/ingress-controller": "traefik",
        "traefik.io/gateway-controller": "traefik",
        "projectcontour.io/ingress-controller": "contour",
        "projectcontour.io/contour": "contour",
        "projectcontour.io/gateway-controller": "contour",
        "gateway.envoyproxy.io/gatewayclass-controller": "envoy-gateway",
        "istio.io/ingress-controller": "istio",
        "istio.io/gateway-controller": "istio",
        "gateway.nginx.org/nginx-gateway-controller": "nginx-gateway-fabric",
        "cilium.io/ingress-controller": "cilium",
        "io.cilium/gateway-controller": "cilium",
        "ingress-controllers.konghq.com/kong": "kong",
        "konghq.com/kic-gateway-controller": "kong",
        "konghq.com/gateway-operator": "kong",
        "haproxy.org/ingress-controller": "haproxy",
        "haproxy.org/gateway-controller": "haproxy",
        "haproxy-ingress.github.io/controller": "haproxy-ingress",
        "ingress.k8s.aws/alb": "aws-alb",
        "networking.gke.io/ingress-gce": "gke",
        "networking.gke.io/gateway": "gke",
        "azure/application-gateway": "azure-agic",
        "apisix.apache.org/apisix-ingress-controller": "apisix",
        "apisix.apache.org/ingress-controller": "apisix",
    ]

    /// Short name for a controller string; the raw string when unknown.
    public static func short(_ controller: String) -> String {
        if let k = known[controller] { return k }
        // haproxy.org/ingress-controller/<name>
        for (prefix, name) in known where controller.hasPrefix(prefix + "/") { return name }
        if controller.hasPrefix("gateway.envoyproxy.io/") { return "envoy-gateway" }
        return controller.isEmpty ? "unknown" : controller
    }

    /// Controllers behind well-known legacy `kubernetes.io/ingress.class` names, when no IngressClass of that name exists.
    public static let legacyClassNames: [String: String] = [
        "nginx": "ingress-nginx", "traefik": "traefik", "contour": "contour", "haproxy": "haproxy",
        "kong": "kong", "alb": "aws-alb", "gce": "gke", "gce-internal": "gke", "istio": "istio", "cilium": "cilium",
        "nginx-inc": "nginx-inc", "azure/application-gateway": "azure-agic", "apisix": "apisix",
    ]
}
