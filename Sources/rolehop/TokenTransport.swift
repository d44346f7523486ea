import RoleHopCore

/// The transport `rolehop token --verify` fetches discovery and keys with.
///
/// Stand-in until CurlTransport lands on main: every fetch fails with a clear message.
func makeDiscoveryTransport(_ env: Environment) -> some HTTPTransport {
    ClosureTransport { _ throws(TransportError) in
        throw .connectionFailed(detail: "this build has no network transport yet")
    }
}
