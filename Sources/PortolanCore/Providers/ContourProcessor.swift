/// Placeholder until the Contour processor lands.
struct ContourProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {}
}
