import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Byte sizes as `--max-shard-size` takes them, as transformers' `convert_file_size_to_int` reads them:
/// a plain number of bytes, or a number with a decimal unit (KB, MB, GB, TB: powers of 1000) or a
/// binary one (KiB, MiB, GiB, TiB: powers of 1024); units are case-insensitive ("5GB", "500mb", "2GiB").
public enum ByteSize {
    /// The number of bytes, or nil when `text` is not a positive size.
    public static func parse(_ text: String) -> Int? {
        let units: [(String, Double)] = [("kib", 0x1p10), ("mib", 0x1p20), ("gib", 0x1p30), ("tib", 0x1p40),
                                         ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("b", 1)]
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        var number = Substring(lower), scale = 1.0
        if let (unit, factor) = units.first(where: { lower.hasSuffix($0.0) }) {
            number = lower.dropLast(unit.count)
            scale = factor
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else { return nil }
        let bytes = (value * scale).rounded(.down)
        guard bytes >= 1, bytes < 0x1p62 else { return nil }
        return Int(bytes)
    }
}

/// The file names of a Hugging Face sharded safetensors set, derived from the single-file name as
/// transformers does: `model.safetensors` gives `model-00001-of-00003.safetensors`, ... and the index
/// `model.safetensors.index.json`.
public struct ShardNames: Sendable, Hashable {
    /// The folder of every file.
    public var folder: String
    /// The single-file name, e.g. `model.safetensors`.
    public var base: String

    /// Names from `--output`: `DIR/NAME.safetensors`, `DIR/NAME.safetensors.index.json`, or a folder
    /// (`namesFolder`) for `model.safetensors` in it; nil for anything else.
    public init?(output: String) {
        if ShardNames.namesFolder(output) {
            folder = output.hasSuffix("/") && output.count > 1 ? String(output.dropLast()) : output
            base = "model.safetensors"
            return
        }
        let slash = output.lastIndex(of: "/")
        var name = String(slash.map { output[output.index(after: $0)...] } ?? output[...])
        if name.hasSuffix(".index.json") { name = String(name.dropLast(".index.json".count)) }
        guard name.hasSuffix(".safetensors"), name.count > ".safetensors".count else { return nil }
        folder = slash.map { $0 == output.startIndex ? "/" : String(output[..<$0]) } ?? "."
        base = name
    }

    /// Whether `--output` names a folder, as `save_pretrained(DIR)` takes it: a path ending in `/`, or an
    /// existing directory (a symbolic link to one included) whose name is not that of a file TensorSeed
    /// writes (`.safetensors`, `.json`, `.npy`): such a directory is in the way of a file, not a folder to fill.
    public static func namesFolder(_ output: String) -> Bool {
        if output.hasSuffix("/") { return true }
        let lower = output.lowercased()
        guard ![".safetensors", ".json", ".npy"].contains(where: { lower.hasSuffix($0) }) else { return false }
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// The index file's name: `model.safetensors.index.json`.
    public var index: String { base + ".index.json" }

    /// Shard `number` (1-based) of `count`: `model-00002-of-00005.safetensors`.
    public func shard(_ number: Int, of count: Int) -> String {
        let stem = base.dropLast(".safetensors".count)
        return "\(stem)-\(ShardNames.fiveDigits(number))-of-\(ShardNames.fiveDigits(count)).safetensors"
    }

    /// `name` in the folder.
    public func path(_ name: String) -> String { folder == "." ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name }

    /// The files in the folder that belong to *a* set with this base name but are not in `keeping`: shards
    /// `stem-NNNNN-of-NNNNN.safetensors` of any count, the single file and the index. Writing a new set over an
    /// old one with a different shard count would otherwise leave the old shards (and perhaps an index naming
    /// them) beside the new ones; transformers' `save_pretrained` removes such files the same way.
    public func staleFiles(keeping: [String]) -> [String] {
        let keep = Set(keeping.map { URL(fileURLWithPath: $0).lastPathComponent })
        let stem = String(base.dropLast(".safetensors".count))
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder == "" ? "." : folder)) ?? []
        return entries.filter { name in
            guard !keep.contains(name) else { return false }
            return name == base || name == index || ShardNames.isShardName(name, stem: stem)
        }.sorted().map(path)
    }

    /// Whether `name` is `stem-NNNNN-of-NNNNN.safetensors` (five digits each, as `shard(_:of:)` writes).
    static func isShardName(_ name: String, stem: String) -> Bool {
        let prefix = stem + "-", suffix = ".safetensors"
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return false }
        let middle = Array(name.dropFirst(prefix.count).dropLast(suffix.count).utf8)   // NNNNN-of-NNNNN
        guard middle.count == 14, Array(middle[5..<9]) == Array("-of-".utf8) else { return false }
        return (middle[0..<5] + middle[9..<14]).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func fiveDigits(_ n: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}

/// Packs tensors into shards greedily in plan order, as transformers' `shard_checkpoint` does: a tensor
/// that would take the current shard over `maxBytes` starts a new one, and a tensor larger than
/// `maxBytes` gets a shard of its own. Returns the tensor indices of each shard (one empty shard for no tensors).
public enum ShardPacking {
    public static func pack(_ byteCounts: [Int], maxBytes: Int) -> [[Int]] {
        var shards: [[Int]] = [[]]
        var size = 0
        for (i, bytes) in byteCounts.enumerated() {
            if size + bytes > maxBytes, !shards[shards.count - 1].isEmpty {
                shards.append([])
                size = 0
            }
            shards[shards.count - 1].append(i)
            size += bytes
        }
        return shards
    }
}

/// `model.safetensors.index.json` as transformers writes and reads it:
/// `{"metadata": {"total_size": <bytes of tensor data>, ...}, "weight_map": {tensor: shard file}}`.
/// TensorSeed adds its spec version and seed to `metadata`.
public struct ShardIndex: Sendable, Hashable {
    /// Bytes of tensor data in all shards (headers excluded).
    public var totalSize: Int
    /// Further `metadata` entries (strings).
    public var metadata: [JSONKey: String]
    /// The shard file (a name in the index's folder) of each tensor.
    public var weightMap: [JSONKey: String]

    /// An index.
    public init(totalSize: Int, metadata: [JSONKey: String], weightMap: [JSONKey: String]) {
        self.totalSize = totalSize
        self.metadata = metadata
        self.weightMap = weightMap
    }

    /// The shard files, each once, in name order (which is shard order).
    public var shardFiles: [String] { Set(weightMap.values).sorted() }

    /// The JSON text: two-space indentation, keys sorted, one tensor per line, a final newline.
    public func rendered() -> String {
        var meta: [JSONKey: JSONValue] = metadata.mapValues { .string($0) }
        meta["total_size"] = .integer(Int64(totalSize))
        let entries = weightMap.keys.sorted().map { "    \(JSONValue.string($0.text).rendered): \(JSONValue.string(weightMap[$0]!).rendered)" }
        let metaLines = meta.keys.sorted().map { "    \(JSONValue.string($0.text).rendered): \(meta[$0]!.rendered)" }
        return "{\n  \"metadata\": {\n" + metaLines.joined(separator: ",\n") + "\n  },\n  \"weight_map\": {\n"
            + entries.joined(separator: ",\n") + (entries.isEmpty ? "" : "\n") + "  }\n}\n"
    }

    /// Parses an index's JSON.
    public static func parse(_ data: Data, path: String = "index") throws -> ShardIndex {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw SafetensorsFormatError(path: path, message: "\(error)") }
        let map = try weightMap(of: root, path: path)
        var metadata: [JSONKey: String] = [:]
        var total = -1
        for (key, value) in root.object?["metadata"]?.object ?? [:] {
            if key == "total_size" { total = value.int ?? -1 } else if let s = value.string { metadata[key] = s }
        }
        guard total >= 0 else { throw SafetensorsFormatError(path: path, message: "metadata.total_size is missing or not an integer") }
        return ShardIndex(totalSize: total, metadata: metadata, weightMap: map)
    }

    /// The `weight_map` of an index document: tensor name to shard file (a name in the index's folder).
    public static func weightMap(of root: JSONValue, path: String) throws -> [JSONKey: String] {
        guard let weights = root.object?["weight_map"]?.object else {
            throw SafetensorsFormatError(path: path, message: "no \"weight_map\" object: not a safetensors index")
        }
        var map: [JSONKey: String] = [:]
        for (name, file) in weights {
            guard let file = file.string, !file.isEmpty, !file.contains("/") else {
                throw SafetensorsFormatError(path: path, message: "weight_map[\(name)] is not a file name in the index's folder")
            }
            map[name] = file
        }
        return map
    }

    /// Checks that shard `file` holds exactly the tensors `weightMap` maps to it (`indexPath` names the index in errors).
    public static func checkShard(_ file: String, holds names: [String], weightMap: [JSONKey: String], indexPath: String) throws {
        let listed = Set(weightMap.filter { $0.value == file }.keys)
        let present = Set(names.map { JSONKey($0) })
        if let missing = listed.subtracting(present).sorted().first {
            throw SafetensorsFormatError(path: indexPath, message: "tensor \"\(missing)\" is mapped to \(file) but is not in it")
        }
        if let extra = present.subtracting(listed).sorted().first {
            throw SafetensorsFormatError(path: indexPath, message: "\(file) holds tensor \"\(extra)\" that weight_map does not map to it")
        }
    }

    /// Reads the index at `path` and checks it against its shards' headers (no data read): every tensor
    /// in its shard, every shard tensor in the map, and `total_size` the sum of the data sections.
    /// Returns the shard paths in order.
    public static func check(path: String) throws -> [String] {
        let data: Data
        do { data = try InputFile.contents(path, limit: SafetensorsHeader.maximumHeaderBytes, what: "an index file") } catch let error as InputFileError {
            throw SafetensorsFormatError(path: path, message: error.message)
        }
        let index = try parse(data, path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var total = 0
        var paths: [String] = []
        for file in index.shardFiles {
            let shardPath = folder + "/" + file
            let header = try SafetensorsHeader.read(path: shardPath)
            guard let sum = CheckedSize.sum([total, header.dataSize]) else {
                throw SafetensorsFormatError(path: path, message: "the shards hold more than 2^63 - 1 bytes of tensor data")
            }
            total = sum
            try checkShard(file, holds: header.entries.map(\.name), weightMap: index.weightMap, indexPath: path)
            paths.append(shardPath)
        }
        guard total == index.totalSize else {
            throw SafetensorsFormatError(path: path, message: "metadata.total_size is \(index.totalSize) but the shards hold \(total) bytes of tensor data")
        }
        return paths
    }
}

extension SafetensorsWriter {
    /// Writes `plan` as a Hugging Face sharded set: shards of at most `maxShardBytes` of tensor data
    /// (`ShardPacking`), named from `names`, each a complete safetensors file whose `__metadata__` covers
    /// its own tensors (so each verifies alone), then the index. All files are temporary until every one
    /// is written; then the shards and last the index are renamed into place. If everything fits in one
    /// shard, only `names.base` is written, with no index, as transformers does. `companions` are small files
    /// written into the same folder and committed with the set (a Hugging Face folder's `config.json` and
    /// `generation_config.json`), by file name. The whole set's size is checked against the folder's free
    /// space before anything is written. `progress` gets bytes of all files written so far and their total.
    public func writeSharded(_ plan: ModelPlan, names: ShardNames, maxShardBytes: Int, companions: [(name: String, bytes: [UInt8])] = [],
                             progress: ((_ written: Int, _ total: Int) -> Void)? = nil) throws -> WriteSummary {
        try plan.checkHeaderSizes(maxShardBytes: maxShardBytes)
        let start = DispatchTime.now().uptimeNanoseconds
        let layout = try ShardedSetLayout(plan, names: names, maxShardBytes: maxShardBytes)
        let shards = layout.shards, indexBytes = layout.indexBytes, withIndex = layout.withIndex, paths = layout.paths
        let companionPaths = companions.map { names.path($0.name) }

        let output = StagedOutput(force: force)
        defer { output.discard() }
        // Files of an earlier set under the same name count as existing files: without --force they stop the
        // write; with --force they are removed once the new set is in place.
        let stale = names.staleFiles(keeping: paths)
        try output.checkAbsent(companionPaths + paths + stale)
        let generator = TensorGenerator(seed: plan.seed, threads: threads, selfCheck: selfCheck)
        let selection = try generator.engine(engine)
        let sizes = layout.shardFileSizes
        let total = sizes.reduce(0, +) + (withIndex ? indexBytes.count : 0) + companions.reduce(0) { $0 + $1.bytes.count }
        let described = withIndex ? "\(paths.last!) and its \(shards.count) shards" : paths[0]
        try FreeSpace.check(total, in: names.folder, for: described)
        // Companions first: the weights, and last the index, appear only once the folder is complete.
        for (companion, path) in zip(companions, companionPaths) { try output.write(path, bytes: companion.bytes) }
        var before = companions.reduce(0) { $0 + $1.bytes.count }
        for (shard, (path, size)) in zip(shards, zip(paths, sizes)) {
            try output.write(path) { fd in
                try writeSafetensors(shard, fd: fd, path: path, generator: generator) { progress?(before + $0, total) }
            }
            before += size
        }
        if withIndex {
            try output.write(names.path(names.index), bytes: indexBytes)
            progress?(total, total)
        }
        try output.commit()
        // The index goes first, so that no moment leaves an index naming removed shards.
        let removed = stale.sorted { a, b in a.hasSuffix(".index.json") && !b.hasSuffix(".index.json") }
            .filter { unlink($0) == 0 }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return WriteSummary(path: paths.last!, files: paths + companionPaths, tensors: plan.tensors.count, parameters: plan.parameterCount,
                            fileBytes: total, seconds: seconds, engine: selection.engine.name, engineReason: selection.reason,
                            removed: removed)
    }
}
