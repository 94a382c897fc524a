import Foundation

/// The tensor layout of an existing model, for `tensorseed init --like`: names, shapes and dtypes read
/// from a `.safetensors` file or from a `model.safetensors.index.json` and the shards it names.
///
/// Headers only: of each safetensors file exactly the 8-byte length and the JSON header are read, never
/// the data section, so the size of the data section is not checked either (a file whose data is
/// truncated or absent gives the same layout; `tensorseed verify` is what checks data).
public struct LikeLayout: Sendable, Hashable {
    /// One tensor of the layout.
    public struct Tensor: Sendable, Hashable {
        public var name: String
        public var shape: [Int]
        /// The safetensors dtype name ("F32", "BF16", "I64", ...), as the file gives it.
        public var dtype: String
    }

    /// The tensors in file order: by data offset within a shard, shards in the index's order.
    public var tensors: [Tensor]

    /// Reads the layout at `path`: a file ending in `.json` is an index, anything else a safetensors file.
    public static func read(path: String) throws -> LikeLayout {
        if path.hasSuffix(".json") { return try readIndex(path: path) }
        return LikeLayout(tensors: try readHeader(path: path).entries.map { Tensor(name: $0.name, shape: $0.shape, dtype: $0.dtype) })
    }

    /// The header of the safetensors file at `path`, reading only its first 8 + N bytes.
    public static func readHeader(path: String) throws -> SafetensorsHeader {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw SafetensorsFormatError(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot open" : "no such file")
        }
        defer { try? file.close() }
        let lengthBytes = try readExactly(file, count: 8, path: path, what: "the 8-byte header length")
        let length = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        // safetensors itself refuses headers over 100 MB (MAX_HEADER_SIZE); anything larger is not one.
        guard length > 0, length <= 100_000_000 else {
            throw SafetensorsFormatError(path: path, message: "header length \(length) is not plausible (not a safetensors file?)")
        }
        let json = try readExactly(file, count: Int(length), path: path, what: "the \(length)-byte header")
        return try SafetensorsHeader.parse(json: json, path: path)
    }

    private static func readExactly(_ file: FileHandle, count: Int, path: String, what: String) throws -> [UInt8] {
        let data: Data?
        do { data = try file.read(upToCount: count) } catch {
            throw SafetensorsFormatError(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        guard let data, data.count == count else {
            throw SafetensorsFormatError(path: path, message: "shorter than \(what) (not a safetensors file?)")
        }
        return [UInt8](data)
    }

    /// Reads an index's `weight_map`, then the header of each shard (in the index's folder) in shard-name
    /// order, which is shard order (`model-00001-of-0000N`, ...). Every mapped tensor must be in its shard
    /// and every shard tensor mapped.
    private static func readIndex(path: String) throws -> LikeLayout {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsFormatError(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot read" : "no such file")
        }
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw SafetensorsFormatError(path: path, message: "\(error)") }
        let map = try ShardIndex.weightMap(of: root, path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var tensors: [Tensor] = []
        for file in Set(map.values).sorted() {
            let shardPath = folder + "/" + file
            guard FileManager.default.fileExists(atPath: shardPath) else {
                throw SafetensorsFormatError(path: path, message: "shard \(file) named in weight_map is missing")
            }
            let header = try readHeader(path: shardPath)
            try ShardIndex.checkShard(file, holds: header.entries.map(\.name), weightMap: map, indexPath: path)
            tensors += header.entries.map { Tensor(name: $0.name, shape: $0.shape, dtype: $0.dtype) }
        }
        return LikeLayout(tensors: tensors)
    }
}
