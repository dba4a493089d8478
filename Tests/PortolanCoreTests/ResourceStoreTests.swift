import Testing
@testable import PortolanCore

@Suite struct ResourceStoreTests {
    static let text = """
    apiVersion: traefik.io/v1alpha1
    kind: Middleware
    metadata: {name: strip, namespace: web}
    ---
    apiVersion: traefik.containo.us/v1alpha1
    kind: Middleware
    metadata: {name: strip, namespace: web}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: strip, namespace: web}
    ---
    apiVersion: traefik.io/v1alpha1
    kind: Middleware
    metadata: {name: strip, namespace: web, labels: {copy: second}}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: strip}

    """

    @Test func identityIsGroupKindNamespaceAndNameAndTheFirstDefinitionWins() {
        let store = ResourceStore(Fixtures.load(["-"], stdin: Array(Self.text.utf8)))
        // Same kind, namespace and name in two API groups: two objects; the third Middleware repeats the first.
        #expect(store.resources.map(\.ref.display) == [
            "Middleware.traefik.io/web/strip", "Middleware.traefik.containo.us/web/strip", "Service/web/strip", "Service/default/strip",
        ])
        #expect(store.inputs.problems.map(\.message) == [
            "Middleware.traefik.io/web/strip is defined again (first at <stdin>:1); this copy is ignored",
        ])
        #expect(store.inputs.problems.map(\.line) == [13])
        let first = store.lookup(group: "traefik.io", kind: "Middleware", namespace: "web", name: "strip")
        #expect(first === store.resources[0] && first?.labels.isEmpty == true)
        #expect(store.lookup(group: "traefik.containo.us", kind: "Middleware", namespace: "web", name: "strip") === store.resources[1])
        #expect(store.lookup(apiVersion: "v1", kind: "Service", namespace: "default", name: "strip") === store.resources[3])
        #expect(store.lookup(group: "", kind: "Service", namespace: "other", name: "strip") == nil)
        #expect(store.lookup(group: "", kind: "Middleware", namespace: "web", name: "strip") == nil)
        #expect(store.lookup(groups: ["traefik.containo.us", "traefik.io"], kind: "Middleware", namespace: "web", name: "strip") === store.resources[1])
    }

    @Test func identityHashSeparatesTheParts() {
        // Moving a byte from one part to the next changes the hash (the parts are separated).
        #expect(ObjectRef.identityHash(kind: "Service", namespace: "ab", name: "c")
                != ObjectRef.identityHash(kind: "Service", namespace: "a", name: "bc"))
        let r = Resource(apiVersion: "v1", group: "", version: "v1", kind: "Service", namespace: "ab", name: "c",
                         source: SourceLocation(file: "f", line: 1), document: 0, item: -1, node: nil, secret: nil)
        #expect(r.identityHash == ObjectRef.identityHash(kind: "Service", namespace: "ab", name: "c"))
    }
}
