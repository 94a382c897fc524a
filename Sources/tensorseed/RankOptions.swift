import ArgumentParser
import Foundation
import TensorSeed

/// `--rank I --world-size N`: this process's part of a job of N processes (else the launcher's environment
/// for `init`; see `RankContext.fromEnvironment`).
struct RankOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("This process's rank, 0 to N-1, with --world-size: it writes (or verifies) only its shard files of the set. "
                               + "Without it, init takes the rank from Slurm (SLURM_PROCID/SLURM_NTASKS, SLURM_ARRAY_TASK_ID with "
                               + "SLURM_ARRAY_TASK_MIN/SLURM_ARRAY_TASK_COUNT), Open MPI (OMPI_COMM_WORLD_RANK/OMPI_COMM_WORLD_SIZE), "
                               + "MPICH (PMI_RANK/PMI_SIZE) or torchrun (RANK/WORLD_SIZE).", valueName: "I"),
            transform: NumberOption.integer("--rank", in: 0...Int.max))
    var rank: Int?
    @Option(parsing: .unconditional, help: ArgumentHelp("The number of processes of the job (with --rank).", valueName: "N"),
            transform: NumberOption.integer("--world-size", in: 1...Int.max))
    var worldSize: Int?

    /// The context from the options, else (with `environment`) from the launcher's variables; nil for none.
    func context(fromEnvironment: Bool) throws -> RankContext? {
        try RankContext.resolve(rank: rank, worldSize: worldSize, environment: fromEnvironment ? ProcessInfo.processInfo.environment : [:])
    }
}

/// `init` as one rank of a job: its shards of the sharded set, `--dry-run`'s table of ranks, and the lines it prints.
enum RankedInit {
    /// `--dry-run` with ranks: every rank's shard files and bytes.
    static func printAssignment(_ plan: ModelPlan, names: ShardNames, maxShardBytes: Int, context: RankContext) throws {
        let layout = try ShardedSetLayout(plan, names: names, maxShardBytes: maxShardBytes)
        let sizes = layout.shardFileSizes
        let ranks = ShardAssignment.assign(layout.shards.map(\.byteCount), worldSize: context.worldSize)
        print("\(layout.shards.count) shard(s) of \(plan.byteCount) bytes of tensor data over \(context.worldSize) rank(s)"
              + (layout.withIndex ? "; the rank that completes the set writes \(names.path(names.index))" : ""))
        for (rank, shards) in ranks.enumerated() {
            let bytes = shards.reduce(0) { $0 + sizes[$1] }
            let files = shards.isEmpty ? "(nothing)" : shards.map { layout.files[$0] }.joined(separator: " ")
            print("rank \(rank)\(rank == context.rank ? " (this one)" : ""): \(shards.count) file(s), \(bytes) bytes: \(files)")
        }
        print("nothing written (--dry-run)")
    }

    /// The shard files among `paths` (a set's shards in order) that rank `context.rank` writes: assigned by
    /// their data sizes (read from the headers) as `init` assigns them.
    static func select(_ paths: [String], context: RankContext) throws -> [String] {
        let bytes = try paths.map { try SafetensorsHeader.read(path: $0).dataSize }
        let mine = ShardAssignment.assign(bytes, worldSize: context.worldSize)[context.rank]
        print("rank \(context.rank) of \(context.worldSize): \(mine.count) of \(paths.count) shard file(s)")
        return mine.map { paths[$0] }
    }

    /// Writes this rank's part and prints what it did.
    static func write(_ plan: ModelPlan, writer: SafetensorsWriter, names: ShardNames, maxShardBytes: Int, context: RankContext,
                      companions: [(name: String, bytes: [UInt8])], progress: @escaping (Int, Int) -> Void) throws -> RankWriteSummary {
        let summary = try writer.writeRankShards(plan, names: names, maxShardBytes: maxShardBytes, context: context, companions: companions,
                                                 report: { _ in }, progress: progress)
        for (file, reason) in summary.redone { print("rank \(context.rank): \(names.path(file)) was damaged (\(reason)); wrote it again") }
        let rate = summary.seconds > 0 ? Double(summary.bytesWritten) / summary.seconds / 1e9 : 0
        var line = "rank \(context.rank) of \(context.worldSize): "
        if summary.assigned.isEmpty {
            line += "no shard files for this rank (\(context.worldSize) ranks, fewer shards)"
        } else {
            line += "wrote \(summary.written.count) of its \(summary.assigned.count) shard file(s) (\(summary.bytesWritten) bytes in "
                + "\(format(summary.seconds, digits: 3)) s, \(format(rate)) GB/s\(summary.engine.isEmpty ? "" : ", engine " + summary.engine))"
            if !summary.kept.isEmpty { line += ", kept \(summary.kept.count) complete with digests that check out" }
        }
        if summary.setComplete {
            line += summary.placed.isEmpty ? "; the set is complete" : "; the set is complete: wrote " + summary.placed.joined(separator: ", ")
        } else {
            line += "; other ranks' shards are still missing"
        }
        print(line)
        return summary
    }
}
