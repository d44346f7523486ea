// swift-tools-version:6.1
import PackageDescription

// Layers (see DESIGN.md): RoleHopCore knows AWS and nothing of terminals or libcurl; RoleHopCurl is the
// only libcurl importer; RoleHopTUI the only ncurses importer; `rolehop` wires them together.
let package = Package(
    name: "rolehop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rolehop", targets: ["rolehop"]),
        .library(name: "RoleHopCore", targets: ["RoleHopCore"]),
    ],
    dependencies: [],
    targets: [
        // libcurl is dlopen()ed at the first HTTP exchange, not linked (its ~35 libraries cost half of an
        // offline run's start): the headers come from libcurl4-openssl-dev, the library at run time from libcurl4.
        .target(name: "CCurlLoader"),
        // ncursesw (with tinfo) and zlib are linked statically (their module maps name the archives): only the
        // explorer and the bundle use them, and as shared libraries every run paid their loading and ~0.4 MiB
        // of resident pages (issue 11). No pkgConfig: its flags would add the shared libraries back.
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // OpenSSL 3's libcrypto (SHA-2, HMAC pads, JWS verification), the library libcurl loads: headers only,
        // the shim opens it with dlopen on first use (no pkgConfig, whose flags would link it). Debian: libssl-dev.
        .systemLibrary(name: "CLibCrypto"),
        // glibc's <malloc.h> (mallopt), which the Glibc module leaves out: HeapSettings.keepFreedHeap.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "RoleHopCore",
            dependencies: [
                "CZlib",
                "CLibCrypto",
                "CMalloc",
            ]),
        .target(name: "RoleHopCurl", dependencies: ["RoleHopCore", "CCurlLoader"]),
        .target(name: "RoleHopTUI", dependencies: ["RoleHopCore", "CNCurses"]),
        .executableTarget(
            name: "rolehop",
            dependencies: ["RoleHopCore", "RoleHopCurl", "RoleHopTUI"],
            // Start-up and resident memory (issue 11, docs/performance.md): lld instead of gold so relative
            // relocations are packed (DT_RELR, glibc >= 2.36, which the portable archive already requires): the
            // 28,000 24-byte entries were read at every start. And no -export-dynamic (the static Swift
            // runtime's link arguments add it): nothing looks the program's own symbols up, and the table cost
            // 0.5 MB of binary and a lookup against it for each of libcurl's relocations. And libstdc++ static:
            // `link/` holds a linker script named libstdc++.so that points to the static archive, and comes first
            // in the library search path (the runtime's link arguments ask for -lstdc++ before any flag of ours
            // could say -Bstatic). libgcc_s stays shared: glibc's pthread_exit opens libgcc_s.so.1 by name, which
            // in an image without it (distroless/base) only works when the binary has already loaded the
            // archive's copy.
            linkerSettings: [.unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                                           "-Xlinker", "--no-export-dynamic",
                                           "-L", Context.packageDirectory + "/link"])]),
        .target(name: "RoleHopTestSupport", dependencies: ["RoleHopCore"], path: "Tests/RoleHopTestSupport"),
        .testTarget(name: "RoleHopCoreTests", dependencies: ["RoleHopCore", "RoleHopTestSupport"]),
        .testTarget(name: "RoleHopCurlTests", dependencies: ["RoleHopCurl", "RoleHopCore", "RoleHopTestSupport"]),
        .testTarget(name: "RoleHopTUITests", dependencies: ["RoleHopTUI", "RoleHopCore", "RoleHopTestSupport"]),
        .testTarget(name: "rolehopTests", dependencies: ["rolehop", "RoleHopTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer harnesses (issue 12): only when ROLEHOP_FUZZ is set, because they have no `main` (libFuzzer
// supplies it) and only link with `-sanitize=fuzzer`. Build them with `scripts/fuzz.sh` (scratch `.build-fuzz`).
if Context.environment["ROLEHOP_FUZZ"] != nil {
    for name in ["FuzzConfig", "FuzzToken", "FuzzPolicy", "FuzzXML", "FuzzRawRequest", "FuzzBundle", "FuzzJSON",
                 "FuzzSnapshot"] {
        package.targets.append(.executableTarget(name: name, dependencies: ["RoleHopCore"], path: "Fuzz/\(name)"))
    }
}
