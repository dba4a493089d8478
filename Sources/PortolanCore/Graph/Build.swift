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
        // Core (Services, TLS Secrets) and cert-manager read only the store: they run side by side too.
        // Secret reflection copies the certificates both produced.
        // What secret reflection reads from the store is read alongside them.
        nonisolated(unsafe) var reflection = SecretReflectionProcessor.Prepared()
        runSideBySide([CoreProcessor(part: .services), CertManagerProcessor(part: .certificates), CertManagerProcessor(part: .shims),
                       CoreProcessor(part: .secrets)], on: builder, alongside: { reflection = SecretReflectionProcessor.prepare(store) })
        Timings.mark("Core and CertManager processors")
        SecretReflectionProcessor().apply(reflection, to: builder)
        Timings.mark("SecretReflectionProcessor")
        // The services are complete: they are put in order for the graph alongside.
        let services = builder.services
        nonisolated(unsafe) var sortedServices: [ServiceInfo] = []
        runSideBySide([IngressProcessor(), TraefikProcessor(), ContourProcessor(), GatewayAPIProcessor()], on: builder,
                      alongside: { sortedServices = GraphBuilder.sorted(services) })
        builder.presortedServices = (services.count, sortedServices)
        Timings.mark("route processors")
        let g = builder.finish()
        Lifetime.discard(builder)
        Timings.mark("finish (coverage)")
        return g
    }

    /// Runs processors in parallel, each on a child builder, and merges their output in the given order
    /// (so the result does not depend on scheduling).
    /// `alongside`, when given, runs as one more parallel task (it must not touch the builder).
    static func runSideBySide(_ processors: [GraphProcessor], on builder: GraphBuilder, alongside: (() -> Void)? = nil) {
        let children = processors.map { _ in builder.child() }
        nonisolated(unsafe) let work = Array(zip(processors, children))
        nonisolated(unsafe) let extra = alongside
        DispatchQueue.concurrentPerform(iterations: work.count + (extra == nil ? 0 : 1)) { i in
            if i == work.count { extra?() } else { work[i].0.run(work[i].1) }
        }
        for c in children { builder.absorb(c) }
        Lifetime.discard(children)
    }
}
