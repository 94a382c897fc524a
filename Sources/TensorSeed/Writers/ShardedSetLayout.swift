/// What a sharded set of a plan consists of, fixed by the plan, the names and the shard size alone: the
/// shards (`ShardPacking`), their file names, and the index (none when everything fits in one file, as
/// transformers does). One process (`writeSharded`) and the ranks of a job (`writeRankShards`) write the same.
public struct ShardedSetLayout: Sendable {
    /// The plan of each shard, in shard order.
    public let shards: [ModelPlan]
    /// The file name of each shard (`names.base` alone when there is one shard).
    public let files: [String]
    /// The index; written only when `withIndex`.
    public let index: ShardIndex
    /// The index's bytes as written.
    public let indexBytes: [UInt8]
    /// Whether the set has an index (more than one shard).
    public var withIndex: Bool { shards.count > 1 }
    /// The names the files are derived from.
    public let names: ShardNames

    /// The layout of `plan` in shards of at most `maxShardBytes` of tensor data.
    public init(_ plan: ModelPlan, names: ShardNames, maxShardBytes: Int) throws {
        let groups = ShardPacking.pack(plan.tensors.map(\.byteCount), maxBytes: maxShardBytes)
        shards = try groups.map { try ModelPlan(seed: plan.seed, tensors: $0.map { plan.tensors[$0] }) }
        files = shards.count == 1 ? [names.base] : shards.indices.map { names.shard($0 + 1, of: groups.count) }
        var weightMap: [JSONKey: String] = [:]
        for (shard, file) in zip(shards, files) { for job in shard.tensors { weightMap[job.name] = file } }
        index = ShardIndex(totalSize: plan.byteCount,
                           metadata: [JSONKey(TensorSeedMetadata.specVersion): String(StreamSpec.version),
                                      JSONKey(TensorSeedMetadata.seed): String(plan.seed)],
                           weightMap: weightMap)
        indexBytes = Array(index.rendered().utf8)
        self.names = names
    }

    /// The paths of the shards, then of the index if there is one.
    public var paths: [String] { files.map(names.path) + (withIndex ? [names.path(names.index)] : []) }

    /// The file size of each shard (header and data).
    public var shardFileSizes: [Int] { shards.map { SafetensorsWriter.header($0).fileBytes().count + $0.byteCount } }
}
