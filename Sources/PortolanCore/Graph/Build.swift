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
        for p in processors() { p.run(builder); Timings.mark("\(type(of: p))") }
        let g = builder.finish()
        Timings.mark("finish (coverage)")
        return g
    }
}
