/// Placeholder until the Traefik processor lands.
struct TraefikProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {}
}
