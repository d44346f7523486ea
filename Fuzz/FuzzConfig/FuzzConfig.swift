import RoleHopCore

/// libFuzzer entry: the shared config parser on arbitrary bytes, as a config and as a credentials file, then
/// the chain resolver for every profile the file names (cycles, deep `source_profile` chains).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let config = ConfigParser.parse(bytes, path: "/fuzz/config", kind: .config)
    let credentials = ConfigParser.parse(bytes, path: "/fuzz/credentials", kind: .credentials)
    let shared = SharedConfig.merge(config: config, credentials: credentials)
    let env = Environment(["AWS_REGION": "us-east-1"])
    for name in shared.profileNames.prefix(8) {
        _ = ChainResolver.resolve(config: shared, environment: env, selection: .init(flag: name))
    }
    _ = ChainResolver.resolve(config: shared, environment: env)
    return 0
}
