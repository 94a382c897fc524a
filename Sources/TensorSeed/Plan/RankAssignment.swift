/// Which shard files of a sharded set each rank of a job writes. The assignment is a pure function of the
/// shards' data sizes and the world size, so every rank computes the same one without talking to the others:
/// shards in decreasing size (ties: lower shard index first) each go to the rank with the fewest bytes so far
/// (ties: lower rank), the greedy "largest first into the least loaded" rule (LPT scheduling, within 4/3 of
/// the best possible largest load). Ranks beyond the number of shards get nothing.
public enum ShardAssignment {
    /// The shard indices (ascending) of each of `worldSize` ranks, for shards of `bytes` data bytes each.
    public static func assign(_ bytes: [Int], worldSize: Int) -> [[Int]] {
        precondition(worldSize >= 1, "a world has at least one rank")
        var ranks = [[Int]](repeating: [], count: worldSize)
        var load = [Int](repeating: 0, count: worldSize)
        let order = bytes.indices.sorted { (bytes[$1], $0) < (bytes[$0], $1) }
        for shard in order {
            let rank = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            ranks[rank].append(shard)
            load[rank] += bytes[shard]
        }
        return ranks.map { $0.sorted() }
    }
}

/// This process's place in a job of several processes: its rank (0-based) among `worldSize` ranks, and
/// where that came from (a command-line option or a launcher's environment variables), for the line
/// every rank prints at start.
public struct RankContext: Sendable, Hashable {
    /// This process's rank, 0 ..< `worldSize`.
    public var rank: Int
    /// The number of ranks of the job.
    public var worldSize: Int
    /// Where the two numbers came from, e.g. `--rank/--world-size` or `SLURM_PROCID=2, SLURM_NTASKS=5 (Slurm)`.
    public var source: String

    /// A checked context: `rank` must lie in 0 ..< `worldSize`.
    public init(rank: Int, worldSize: Int, source: String) throws {
        guard worldSize >= 1 else { throw RankError("world size \(worldSize) from \(source) must be at least 1") }
        guard rank >= 0, rank < worldSize else {
            throw RankError("rank \(rank) from \(source) is not below the world size \(worldSize) (ranks are 0 to \(worldSize - 1))")
        }
        self.rank = rank
        self.worldSize = worldSize
        self.source = source
    }

    /// The launchers' variables, innermost launcher first: Open MPI's `mpirun`, MPICH/Hydra's (PMI), torchrun,
    /// then Slurm (`srun` tasks, array tasks, or both: task `SLURM_PROCID` of array task `SLURM_ARRAY_TASK_ID`
    /// is rank (ID - `SLURM_ARRAY_TASK_MIN`) × `SLURM_NTASKS` + `SLURM_PROCID` of `SLURM_ARRAY_TASK_COUNT` ×
    /// `SLURM_NTASKS`). An `mpirun` inside a Slurm allocation sets both; its own variables are the ranks it started.
    /// Returns nil when none is set. Sources: Open MPI's mpirun(1) "Exported environment variables", MPICH's
    /// Hydra (PMI_RANK, PMI_SIZE), PyTorch's torchrun docs (RANK, WORLD_SIZE), Slurm's srun(1) and sbatch(1)
    /// "OUTPUT ENVIRONMENT VARIABLES".
    public static func fromEnvironment(_ environment: [String: String]) throws -> RankContext? {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: [" "])), value >= 0 else {
                throw RankError("\(name)='\(text)' in the environment is not a number >= 0")
            }
            return value
        }
        func pair(_ rankName: String, _ sizeName: String, _ launcher: String) throws -> RankContext? {
            let rank = try number(rankName), size = try number(sizeName)
            guard rank != nil || size != nil else { return nil }
            guard let rank, let size else {
                throw RankError("\(rank == nil ? sizeName : rankName) is set in the environment but \(rank == nil ? rankName : sizeName) is not (\(launcher))")
            }
            return try RankContext(rank: rank, worldSize: size, source: "\(rankName)=\(rank), \(sizeName)=\(size) (\(launcher))")
        }
        if let found = try pair("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "Open MPI") { return found }
        if let found = try pair("PMI_RANK", "PMI_SIZE", "MPICH/Hydra") { return found }
        if let found = try pair("RANK", "WORLD_SIZE", "torchrun") { return found }
        let step = try pair("SLURM_PROCID", "SLURM_NTASKS", "Slurm")
        guard let task = try number("SLURM_ARRAY_TASK_ID") else { return step }
        guard let first = try number("SLURM_ARRAY_TASK_MIN"), let count = try number("SLURM_ARRAY_TASK_COUNT") else {
            throw RankError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN or SLURM_ARRAY_TASK_COUNT is not (Slurm array job)")
        }
        let arraySource = "SLURM_ARRAY_TASK_ID=\(task), SLURM_ARRAY_TASK_MIN=\(first), SLURM_ARRAY_TASK_COUNT=\(count)"
        guard task >= first else { throw RankError("\(arraySource): the task id is below the first (Slurm array job)") }
        let tasks = step?.worldSize ?? 1
        return try RankContext(rank: (task - first) * tasks + (step?.rank ?? 0), worldSize: count * tasks,
                               source: arraySource + (step.map { ", " + $0.source } ?? " (Slurm array job)"))
    }

    /// `rank` of `worldSize` from options when given (both or neither), else from the environment, else nil.
    public static func resolve(rank: Int?, worldSize: Int?, environment: [String: String]) throws -> RankContext? {
        switch (rank, worldSize) {
        case let (rank?, size?): return try RankContext(rank: rank, worldSize: size, source: "--rank/--world-size")
        case (nil, nil): return try fromEnvironment(environment)
        default: throw RankError("give --rank and --world-size together")
        }
    }

    /// The line each rank prints at start.
    public var line: String { "tensorseed: rank \(rank) of \(worldSize) (from \(source))" }
}

/// A wrong or inconsistent rank or world size, or a folder holding another job's files: one line.
public struct RankError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
