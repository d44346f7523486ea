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
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(
            name: "CNCurses", pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        // OpenSSL 3's libcrypto (SHA-2, HMAC pads, JWS verification), the library libcurl loads: headers only,
        // the shim opens it with dlopen on first use (no pkgConfig, whose flags would link it). Debian: libssl-dev.
        .systemLibrary(name: "CLibCrypto"),
        .target(
            name: "RoleHopCore",
            dependencies: [
                "CLibXML2",
                "CZlib",
                "CLibCrypto",
            ]),
        .target(name: "RoleHopCurl", dependencies: ["RoleHopCore", "CCurl"]),
        .target(name: "RoleHopTUI", dependencies: ["RoleHopCore", "CNCurses"]),
        .executableTarget(
            name: "rolehop",
            dependencies: [
                "RoleHopCore", "RoleHopCurl", "RoleHopTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "RoleHopTestSupport", dependencies: ["RoleHopCore"], path: "Tests/RoleHopTestSupport"),
        .testTarget(name: "RoleHopCoreTests", dependencies: ["RoleHopCore", "RoleHopTestSupport"]),
        .testTarget(name: "RoleHopCurlTests", dependencies: ["RoleHopCurl", "RoleHopCore", "RoleHopTestSupport"]),
        .testTarget(name: "RoleHopTUITests", dependencies: ["RoleHopTUI", "RoleHopCore", "RoleHopTestSupport"]),
        .testTarget(name: "rolehopTests", dependencies: ["RoleHopTestSupport"]),
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
