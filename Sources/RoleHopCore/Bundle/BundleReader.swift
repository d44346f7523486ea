
/// A bundle opened for viewing: its manifest and its files, checked against each other.
public struct OpenedBundle: Sendable {
    public var manifest: BundleManifest
    /// Entry names in archive order (the manifest first).
    public var names: [String]
    public var files: [String: [UInt8]]

    public func bytes(_ name: String) -> [UInt8]? { files[name] }
    public func text(_ name: String) -> String? { files[name].map { String(decoding: $0, as: UTF8.self) } }

    /// A JSON file of the bundle, or nil when the bundle does not have it.
    public func json(_ name: String) throws(BundleError) -> JSONValue? {
        guard let bytes = files[name] else { return nil }
        do {
            return try JSONParser.parse(bytes, recordPositions: false).value
        } catch {
            throw BundleError(.corrupt, "not valid JSON at \(error.position): \(error.message)", entry: name)
        }
    }

    /// The redacted config and credentials files at their original paths (`/root/.aws/config`), dated at the
    /// bundle's creation, so the viewer and file:line provenance work as they did in the pod.
    public var configFileSystem: MemoryFileSystem {
        var fs = MemoryFileSystem()
        for name in names {
            guard let original = BundleLayout.originalPath(ofConfigEntry: name), let bytes = files[name] else { continue }
            fs.addBytes(original, bytes, mode: 0o600, modified: manifest.createdAt)
        }
        return fs
    }

    /// The redacted, allowlisted environment of `environment.json` (empty when absent or malformed).
    public var environment: Environment {
        guard let value = try? json(BundleLayout.environment), let members = value.objectValue else { return Environment() }
        var vars: [String: String] = [:]
        for (k, v) in members { if let s = v.stringValue { vars[k] = s } }
        return Environment(vars)
    }

    /// Hop transcripts as (hop, attempt, entry name), in hop then attempt order.
    public var hopTranscripts: [(hop: Int, attempt: Int, name: String)] {
        names.compactMap { name -> (hop: Int, attempt: Int, name: String)? in
            guard name.hasPrefix(BundleLayout.hopsFolder), name.hasSuffix(".txt") else { return nil }
            let stem = name.dropFirst(BundleLayout.hopsFolder.count).dropLast(4)
            let parts = stem.split(separator: "-")
            guard parts.count == 3, parts[1] == "attempt", let h = Int(parts[0]), let a = Int(parts[2]) else { return nil }
            return (hop: h, attempt: a, name: name)
        }.sorted { ($0.hop, $0.attempt) < ($1.hop, $1.attempt) }
    }
}

/// Opens bundles, refusing anything that is not a complete bundle of a known schema.
public enum BundleReader {
    /// The largest bundle file read (compressed); the decompressed caps of `TarGz.Limits` apply after.
    public static let maxFileSize = 16 << 20

    /// Reads and checks the bundle at `path`.
    public static func open(path: String, fileSystem: any FileSystem = LocalFileSystem()) throws(BundleError) -> OpenedBundle {
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path, limit: maxFileSize)
        } catch {
            switch error {
            case .notFound: throw BundleError(.io, "no such file", path: path)
            case .permissionDenied: throw BundleError(.permissionDenied, "permission denied", path: path)
            case .isDirectory: throw BundleError(.io, "is a directory, not a bundle file", path: path)
            case let .tooLarge(_, limit):
                throw BundleError(.tooLarge, "larger than \(limit) bytes; not a rolehop bundle", path: path)
            case let .other(_, why): throw BundleError(.io, why, path: path)
            }
        }
        do {
            return try open(bytes: bytes)
        } catch {
            throw error.at(path: path)
        }
    }

    /// Checks and opens a bundle held in memory.
    public static func open(bytes: [UInt8], limits: TarGz.Limits = .standard) throws(BundleError) -> OpenedBundle {
        let entries = try TarGz.read(bytes, limits: limits)
        guard let manifestEntry = entries.first(where: { $0.name == BundleLayout.manifest }) else {
            throw BundleError(.notABundle, "the archive has no \(BundleLayout.manifest); it is not a rolehop bundle")
        }
        let manifest = try BundleManifest.parse(manifestEntry.bytes)
        var files: [String: [UInt8]] = [:]
        for e in entries { files[e.name] = e.bytes }
        // The manifest lists every other file: a file added, removed or cut short after writing shows here.
        let listed = Set(manifest.files.map(\.name))
        for record in manifest.files {
            guard let data = files[record.name] else {
                throw BundleError(.corrupt, "listed in the manifest but missing from the archive", entry: record.name)
            }
            guard data.count == record.size else {
                throw BundleError(.corrupt, "the manifest says \(record.size) bytes, the archive holds \(data.count)",
                                  entry: record.name)
            }
        }
        for e in entries where e.name != BundleLayout.manifest && !listed.contains(e.name) {
            throw BundleError(.corrupt, "not listed in the manifest (added after the bundle was written?)", entry: e.name)
        }
        return OpenedBundle(manifest: manifest, names: entries.map(\.name), files: files)
    }
}
