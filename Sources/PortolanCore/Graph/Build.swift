import Dispatch

extension RouteGraph {
    /// The processors, in order. Services and certificate sources come first so that route
    /// processors can resolve backends and TLS secrets.
    public static func processors() -> [GraphProcessor] {
        [
            CoreProcessor(),
            CertManagerProcessor(),
            SecretReflectionProcessor(),
            IngressProcessor(),
            TraefikProcessor(),
            ContourProcessor(),
            GatewayAPIProcessor(),
        ]
    }

    /// Builds the route graph of a store with a controller profile.
    public static func build(_ store: ResourceStore, profile: ControllerProfile = ControllerProfile()) -> RouteGraph {
        let builder = GraphBuilder(store: store, profile: profile.inferringInstances(from: store))
        Timings.mark("store")
        // Services, certificates and secret sources first; then the four route families, which only read
        // what those produced, run side by side on child builders merged back in a fixed order.
        let sequential: [GraphProcessor] = [CoreProcessor(), CertManagerProcessor(), SecretReflectionProcessor()]
        for p in sequential { p.run(builder); Timings.mark("\(type(of: p))") }
        let families: [GraphProcessor] = [IngressProcessor(), TraefikProcessor(), ContourProcessor(), GatewayAPIProcessor()]
        let children = families.map { _ in builder.child() }
        nonisolated(unsafe) let work = Array(zip(families, children))
        DispatchQueue.concurrentPerform(iterations: work.count) { i in work[i].0.run(work[i].1) }
        for c in children { builder.absorb(c) }
        Timings.mark("route processors")
        let g = builder.finish()
        Timings.mark("finish (coverage)")
        return g
    }
}
