/// Controller instances the manifests show: an IngressClass whose controller is Traefik's (or
/// Contour's), named by objects' `kubernetes.io/ingress.class` annotation or `ingressClassName`, is a
/// further instance of that controller (`traefik@CLASS`, `contour@CLASS`) when the profile does not
/// configure one. Each instance is a distinct controller for conflict checks; reports print the
/// inferred instances in `assumptions`.
extension ControllerProfile {
    public func inferringInstances(from store: ResourceStore) -> ControllerProfile {
        let classes = store.all("IngressClass", groups: ["networking.k8s.io"])
        guard !classes.isEmpty else { return self }
        var traefikClasses = Set<String>(), contourClasses = Set<String>()
        for c in classes {
            let controller = c.spec?["controller"]?.string ?? ""
            if controller == IngressClassResolution.traefikController { traefikClasses.insert(c.name) }
            if controller.hasPrefix("projectcontour.io") { contourClasses.insert(c.name) }
        }
        traefikClasses = traefikClasses.filter { traefikInstance(forClass: $0) == nil }
        contourClasses = contourClasses.filter { contour.instance(forClass: $0) == nil }
        guard !traefikClasses.isEmpty || !contourClasses.isEmpty else { return self }
        // Only classes some object uses.
        var used = Set<String>()
        for r in store.resources where r.node != nil {
            let isRouting = TraefikProcessor.groups.contains(r.group) || r.group == "projectcontour.io"
                || (r.kind == "Ingress" && (r.group == "networking.k8s.io" || r.group == "extensions"))
            guard isRouting else { continue }
            if let c = r.spec?["ingressClassName"]?.string { used.insert(c) }
            if let c = r.annotation("kubernetes.io/ingress.class") { used.insert(c) }
            if let c = r.annotation("projectcontour.io/ingress.class") { used.insert(c) }
        }
        var p = self
        for c in traefikClasses.intersection(used).sorted() { p.traefik.instances.append(.init(name: c, ingressClass: c)) }
        for c in contourClasses.intersection(used).sorted() { p.contour.instances.append(.init(name: c, ingressClass: c)) }
        return p
    }
}
