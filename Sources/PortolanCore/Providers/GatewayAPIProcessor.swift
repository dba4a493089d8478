/// Placeholder until the GatewayAPI processor lands.
struct GatewayAPIProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {}
}
