import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one rank did to a sharded set.
public struct RankWriteSummary: Sendable {
    /// The shard files assigned to this rank, in shard order.
    public var assigned: [String] = []
    /// Shards written by this run.
    public var written: [String] = []
    /// Shards found complete with digests that check out, and kept.
    public var kept: [String] = []
    /// Shards of this job found damaged and written again, with why.
    public var redone: [(file: String, reason: String)] = []
    /// Whether this rank found the whole set complete at its end.
    public var setComplete = false
    /// The index and companion files this rank placed (the rank that completed the set).
    public var placed: [String] = []
    /// Bytes of the files this run wrote.
    public var bytesWritten = 0
    public var seconds = 0.0
    public var engine = ""
}

extension SafetensorsWriter {
    /// Writes rank `context.rank`'s shards of the sharded set of `plan` (the same set `writeSharded` writes):
    /// the shards `ShardAssignment` gives it. Before writing anything it checks the folder: its own shards
    /// that are complete and whose digests check out are kept (a rerun resumes), damaged ones of this job are
    /// written again; a file of another job at any path of the set, an index that differs, or a job file
    /// (`RankJobFile`) of another plan or world size stops it with one line. Each shard is moved into place as
    /// soon as it is written. Then, if every shard of the set is there, it places the companions and the index
    /// (never replacing a different one; an identical one is left as it is), so whichever rank finishes last,
    /// minutes or hours later, completes the set.
    public func writeRankShards(_ plan: ModelPlan, names: ShardNames, maxShardBytes: Int, context: RankContext,
                                companions: [(name: String, bytes: [UInt8])] = [], report: (String) -> Void = { _ in },
                                progress: ((_ written: Int, _ total: Int) -> Void)? = nil) throws -> RankWriteSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        let layout = try ShardedSetLayout(plan, names: names, maxShardBytes: maxShardBytes)
        let mine = ShardAssignment.assign(layout.shards.map(\.byteCount), worldSize: context.worldSize)[context.rank]
        let expected = layout.shards.map { SafetensorsWriter.header($0) }
        var summary = RankWriteSummary()
        summary.assigned = mine.map { layout.files[$0] }

        // Everything is checked before anything is written.
        if !force, let stale = names.staleFiles(keeping: layout.paths).first {
            throw RankError("\(stale) belongs to another set named \(names.base) in this folder (another job, or a different shard size); "
                            + "nothing was written (use another folder, or --force to replace that set)")
        }
        var states: [Int: ShardOnDisk] = [:]
        for shard in mine {
            let path = names.path(layout.files[shard])
            try StagedOutput.checkReplaceable(path)   // a FIFO or device in the way is never replaced, --force or not
            let state = ShardOnDisk.inspect(path, expected: expected[shard])
            if case let .foreign(reason) = state, !force {
                throw RankError("\(path) is in the way and is not shard \(shard + 1) of this job (\(reason)); nothing was written "
                                + "(use another folder, or --force to replace it)")
            }
            states[shard] = state
        }
        for (file, bytes, what) in [(names.index, layout.indexBytes, "index")] where layout.withIndex {
            if let found = try SmallFile.read(names.path(file)), found != bytes, !force {
                throw RankError("\(names.path(file)) exists and is not this job's \(what) (another job's files in this folder?); nothing was written")
            }
        }
        let todo = mine.filter { states[$0] != .complete }
        let job = RankJobFile(names: names, plan: RankJobFile.fingerprint(of: layout, companions: companions), worldSize: context.worldSize)
        if !todo.isEmpty || !setComplete(layout, expected) { try job.register(force: force) }

        let generator = TensorGenerator(seed: plan.seed, threads: threads, selfCheck: selfCheck)
        if !todo.isEmpty {
            let selection = try generator.engine(engine)
            summary.engine = selection.engine.name
            let sizes = layout.shardFileSizes
            let total = todo.reduce(0) { $0 + sizes[$1] }
            try FreeSpace.check(total, in: names.folder, for: "rank \(context.rank)'s \(todo.count) shard(s)")
            var before = 0
            for shard in todo {
                let path = names.path(layout.files[shard])
                var replace = false
                if case let .damaged(reason)? = states[shard] { replace = true; summary.redone.append((layout.files[shard], reason)) }
                if case .foreign? = states[shard] { replace = true }
                let output = StagedOutput(force: replace)
                defer { output.discard() }
                try output.write(path) { fd in
                    try writeSafetensors(layout.shards[shard], fd: fd, path: path, generator: generator) { progress?(before + $0, total) }
                }
                try output.commit()
                before += sizes[shard]
                summary.written.append(layout.files[shard])
                report("rank \(context.rank): wrote \(path)")
            }
            summary.bytesWritten = total
        }
        summary.kept = mine.filter { states[$0] == .complete }.map { layout.files[$0] }
        for file in summary.kept { report("rank \(context.rank): kept \(names.path(file)) (complete, digests check out)") }

        if setComplete(layout, expected) {
            summary.setComplete = true
            for companion in companions where try SmallFile.ensure(companion.bytes, at: names.path(companion.name), what: companion.name, force: force) {
                summary.placed.append(names.path(companion.name))
            }
            if layout.withIndex, try SmallFile.ensure(layout.indexBytes, at: names.path(names.index), what: "index", force: force) {
                summary.placed.append(names.path(names.index))
            }
            job.remove()
            if force { for stale in names.staleFiles(keeping: layout.paths + companions.map { names.path($0.name) }) { unlink(stale) } }
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }

    /// Whether every shard of the set is in place (header and size; shards appear only whole).
    private func setComplete(_ layout: ShardedSetLayout, _ expected: [SafetensorsHeader]) -> Bool {
        zip(layout.files, expected).allSatisfy { ShardOnDisk.inspect(layout.names.path($0), expected: $1, readData: false) == .complete }
    }
}
