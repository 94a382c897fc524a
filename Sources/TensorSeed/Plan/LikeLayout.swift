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
        try SafetensorsHeader.read(path: path, checkingData: false)
    }

    /// Reads an index's `weight_map`, then the header of each shard (in the index's folder) in shard-name
    /// order, which is shard order (`model-00001-of-0000N`, ...). Every mapped tensor must be in its shard
    /// and every shard tensor mapped.
    private static func readIndex(path: String) throws -> LikeLayout {
        let data: Data
        do { data = try InputFile.contents(path, limit: SafetensorsHeader.maximumHeaderBytes, what: "an index file") } catch let error as InputFileError {
            throw SafetensorsFormatError(path: path, message: error.message)
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
