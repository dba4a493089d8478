/// Placeholder until the Ingress processor lands.
struct IngressProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {}
}
