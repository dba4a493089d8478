/// Placeholder until the CertManager processor lands.
struct CertManagerProcessor: GraphProcessor {
    func run(_ b: GraphBuilder) {}
}
