import Foundation

extension ShardIndex {
    /// The `metadata` keys of an index that every shard of a TensorSeed set records too, with the same value
    /// (SPEC.md section 10): the spec version and the seed.
    public static let sharedTensorSeedKeys = [TensorSeedMetadata.specVersion, TensorSeedMetadata.seed]

    /// Checks that the index at `indexPath` records the same `tensorseed.spec_version` and `tensorseed.seed` as
    /// each of `shardPaths` (an edited index, or shards of another set, would otherwise pass `verify`).
    public static func checkTensorSeedMetadata(indexPath: String, shardPaths: [String]) throws {
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw SafetensorsFormatError(path: indexPath, message: "cannot read")
        }
        let index = try parse(data, path: indexPath)
        for shard in shardPaths {
            let header = try SafetensorsHeader.read(path: shard)
            for key in sharedTensorSeedKeys where index.metadata[key] != header.metadata[key] {
                let name = URL(fileURLWithPath: shard).lastPathComponent
                let inIndex = index.metadata[key].map { "is \"\($0)\" in the index" } ?? "is missing from the index"
                let inShard = header.metadata[key].map { "shard \(name) records \"\($0)\"" } ?? "shard \(name) does not record it"
                throw SafetensorsFormatError(path: indexPath, message: "metadata \(key) \(inIndex) but \(inShard)")
            }
        }
    }
}
