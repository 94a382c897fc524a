import ArgumentParser
import TensorSeed
#if canImport(Glibc)
import Glibc
#endif

/// `tensorseed init`: a whole model, from a spec or a preset, to one safetensors file, a sharded
/// Hugging Face set (`--max-shard-size`), or a single tensor's .npy file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Initialize a whole model (a tensor-list or layer-list spec in JSON or YAML, a Hugging Face config.json, the layout of a safetensors model, or a preset) into a safetensors file or a sharded set.",
        discussion: """
            Examples:
              tensorseed init --output model.safetensors                 # the default preset (\(ModelPreset.defaultPreset.rawValue))
              tensorseed init --preset gpt2-small --seed 42 --output gpt2.safetensors
              tensorseed init spec.json --dtype bf16 --output model.safetensors
              tensorseed init spec.yaml --output model.safetensors       # .yaml or .yml: read as YAML
              tensorseed init examples/lenet.json --output lenet.safetensors   # a layer list
              tensorseed init config.json --output model.safetensors     # a transformers config.json (gpt2, llama, mistral, qwen2), or its folder
              tensorseed init cfgdir/ --output out/ --seed 1             # out/: model.safetensors, config.json, generation_config.json (from_pretrained("out"))
              tensorseed init --clean --output out/                      # remove temporary files that killed runs left in out/
              tensorseed init --like old/model.safetensors --output new.safetensors   # the same names, shapes, dtypes; headers only
              tensorseed init rules.json --like old/model.safetensors.index.json --dtype bf16 --output new/ --max-shard-size 5GB
              tensorseed init --preset llama-7b --max-shard-size 5GB --output llama/   # llama/model-0000i-of-00003.safetensors + index
              tensorseed init one-tensor.json --output w.npy             # a spec with exactly one tensor (not bf16)
              srun tensorseed init config.json --max-shard-size 5GB --output /shared/m/   # each Slurm task writes its shards of one set
              mpirun -np 4 tensorseed init config.json --max-shard-size 5GB --output /shared/m/   # the same under Open MPI or MPICH
              tensorseed init config.json --max-shard-size 5GB --output m/ --rank 1 --world-size 4   # by hand (or torchrun's RANK/WORLD_SIZE)
              tensorseed init config.json --tensor-parallel 1/4 --output tp/   # rank 1's slices of a 4-way tensor-parallel split
              tensorseed init --list-presets
              tensorseed init config.json --dry-run                      # print the tensors, dtypes, shapes, schemes; write nothing
            A spec is a tensor list ("tensors") or a layer list ("input" shape once, then
            "layers" giving only what each outputs; in_features and in_channels are
            inferred, parameters get torch's names and default schemes; see README).
            A bad spec gives one line naming the file, line and column, tensor or layer and field, e.g.
              spec.yaml:12:7: tensors[3] "fc.weight": field "shape"[1] must be an integer >= 0, got -1
            The file records the seed, each tensor's scheme and a digest in __metadata__; check it with 'tensorseed verify'.
            Limits (one error line, before anything is generated): spec and config files up to 100 MB; at most \
            1,000,000 tensors (safetensors' 100 MB header holds about 400,000 in one file; real models have a few \
            ten thousand); each file's header within safetensors' 100,000,000 bytes; no tensor named __metadata__; \
            every scheme parameter, and every value it gives, finite in float32.
            """
    )

    @Argument(help: ArgumentHelp("A tensor-list or layer-list spec, JSON or YAML (.yaml/.yml) (see README), or a Hugging Face config.json (a JSON "
                                 + "object with \"model_type\", or a folder holding config.json); with --like, a spec of only rules (and seed, dtype). "
                                 + "Without it, --preset or the default preset.", valueName: "spec"))
    var spec: String?
    @Option(help: ArgumentHelp("Take the tensor names, shapes and dtypes of an existing model: a .safetensors file or a .safetensors.index.json "
                               + "and its shards (headers only; no data read). Biases zeros, 1-D norm weights ones (zeros for Gemma's x*(1+w) norms, "
                               + "told by a config.json beside it; without one, a note says ones is a guess), others normal(0, 0.02), "
                               + "unless a rule of the spec matches.", valueName: "path"))
    var like: String?
    @Option(help: "A built-in model layout (see --list-presets).")
    var preset: String?
    @Flag(help: "List the built-in presets and exit.")
    var listPresets = false
    @Option(name: [.short, .long], help: ArgumentHelp(
        "The file to write: NAME.safetensors, or NAME.npy for a spec with one tensor; or a folder (DIR/, or an existing directory) "
        + "for DIR/model.safetensors (or shards and index) with, from a config, config.json and generation_config.json, as save_pretrained "
        + "writes them. With --max-shard-size also DIR/NAME.safetensors; DIR/NAME.safetensors.index.json always names a sharded set "
        + "(without --max-shard-size, or when every tensor fits in one shard: DIR/NAME.safetensors alone, no index, as save_pretrained writes it). "
        + "Missing folders are created.", valueName: "path"))
    var output: String = "model.safetensors"
    @Option(parsing: .unconditional, help: ArgumentHelp("Write a Hugging Face sharded set: shards of at most SIZE of tensor data (5GB, 500MB, 2GiB, or bytes), "
                               + "NAME-0000i-of-0000n.safetensors, and NAME.safetensors.index.json.", valueName: "SIZE"))
    var maxShardSize: String?
    @Option(parsing: .unconditional, help: "The 64-bit seed (default: the spec's, else 0).", transform: NumberOption.unsigned("--seed"))
    var seed: UInt64?
    @Option(help: "Storage type of tensors without their own: f32, f16, bf16, f64 (default: the spec's or preset's).")
    var dtype: String?
    @Option(parsing: .unconditional, help: "Threads for the CPU engine, 1 to \(NumberOption.maximumThreads) (default: all cores).", transform: NumberOption.threads)
    var threads: Int?
    @Option(parsing: .unconditional, help: "Size of each of the two staging buffers, in MiB (1 to 1024).",
            transform: NumberOption.integer("--chunk-mib", in: 1...1024))
    var chunkMib: Int = 32
    @Flag(help: "Replace existing output files (regular files only: never a directory, FIFO, device or socket). Without it an existing file, or a symbolic link, is kept and nothing is written.")
    var force = false
    @Flag(help: "Remove the temporary files that killed TensorSeed processes left in the output's folder (hidden .NAME.tensorseed-*.tmp files of processes of this host that are no longer running), say which, and write nothing. Every write does this too.")
    var clean = false
    @Flag(help: "No progress line.")
    var quiet = false
    @Flag(help: "Print the plan (each tensor's name, dtype, shape and scheme, then the totals) and write nothing.")
    var dryRun = false
    @OptionGroup var engineOptions: EngineOptions
    @OptionGroup var rankOptions: RankOptions
    @OptionGroup var sliceOptions: SliceOptions

    func validate() throws {
        guard !output.isEmpty else { throw ValidationError("--output is empty: give a file name such as model.safetensors, or a folder such as out/") }
        if spec != nil, preset != nil { throw ValidationError("give a spec file or --preset, not both") }
        if like != nil, preset != nil { throw ValidationError("give --like or --preset, not both") }
        if let split = sliceOptions.tensorParallel, split.contains("/"), rankOptions.rank != nil || rankOptions.worldSize != nil {
            throw ValidationError("--tensor-parallel \(split) gives the rank itself: give R/N alone, or N with --rank and --world-size, not both")
        }
        if let split = sliceOptions.tensorParallel, let size = Int(split), let worldSize = rankOptions.worldSize, worldSize != size {
            throw ValidationError("--tensor-parallel \(split) with --world-size \(worldSize): the tensor-parallel group has \(split) ranks (give --world-size \(split))")
        }
        if let preset, ModelPreset(rawValue: preset) == nil {
            throw ValidationError("unknown preset '\(preset)' (known: \(ModelPreset.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if let dtype, StorageType(name: dtype) == nil { throw ValidationError("unknown --dtype '\(dtype)' (use f32, f16, bf16, f64)") }
        if let maxShardSize {
            guard ByteSize.parse(maxShardSize) != nil else {
                let negative = maxShardSize.drop(while: { $0 == " " }).hasPrefix("-")
                throw ValidationError("--max-shard-size '\(maxShardSize)' is not a size\(negative ? " > 0" : "") (e.g. 5GB, 500MB, 2GiB, or a number of bytes)")
            }
            if isNpy { throw ValidationError("--max-shard-size writes safetensors shards, not .npy") }
            guard ShardNames(output: output) != nil else {
                throw ValidationError("with --max-shard-size, --output must be NAME.safetensors, NAME.safetensors.index.json or a folder (got '\(output)')")
            }
        }
    }

    private var isNpy: Bool { output.lowercased().hasSuffix(".npy") }

    /// Whether `path` is a sharded set's index name, NAME.safetensors.index.json.
    private static func namesIndex(_ path: String) -> Bool { path.hasSuffix(".safetensors.index.json") }

    /// `--dry-run`: one line per tensor in plan order, then the totals.
    private func printPlan(_ plan: ModelPlan) {
        let nameWidth = min(60, plan.tensors.map(\.name.count).max() ?? 0) + 2
        for job in plan.tensors {
            let shape = "[" + job.shape.map(String.init).joined(separator: ", ") + "]"
            print(pad(job.name, nameWidth) + pad(job.dtype.rawValue, 6) + pad(shape, 18) + SchemeJSON.value(of: job.scheme).rendered)
        }
        print("\(plan.tensors.count) tensors, \(plan.parameterCount) parameters, \(plan.byteCount) bytes of tensor data, seed \(plan.seed); nothing written (--dry-run)")
    }

    func run() throws {
        if listPresets {
            for p in ModelPreset.allCases {
                let plan = try p.plan(seed: 0)
                print(pad(p.rawValue, 12) + pad("\(plan.tensors.count) tensors", 13) + pad("\(plan.parameterCount) parameters", 26) + p.summary)
            }
            return
        }
        try failingCleanly {
            var location = OutputLocation(output: output)
            if clean {
                if location.removeStaleTemporaries() == 0 { print("no stale temporary files in \(location.folder.isEmpty ? "." : location.folder)") }
                return
            }
            let type = dtype.flatMap { StorageType(name: $0) }
            var plan: ModelPlan
            // The transformers config of the model, if the input is one (or a preset that is one): written beside the weights of a folder.
            var config: HuggingFaceConfig?
            if let like {
                if let spec, HuggingFaceConfig.isConfig(path: spec) {
                    throw ValidationError("\(spec) is a Hugging Face config: give it or --like, not both (with --like, the spec holds only rules)")
                }
                let planned = try LikeSpec.planWithNotes(like: like, spec: spec, seed: seed, dtype: type)
                plan = planned.plan
                for note in planned.notes { printError("tensorseed: note: \(note)") }
            } else if let spec, HuggingFaceConfig.isConfig(path: spec) {
                config = try HuggingFaceConfig.read(path: spec)
                plan = try config!.plan(seed: seed ?? 0, dtype: type)
            } else if let spec {
                plan = try ModelSpec.plan(file: spec, seed: seed, dtype: type)
            } else {
                let p = preset.flatMap { ModelPreset(rawValue: $0) } ?? ModelPreset.defaultPreset
                plan = try p.plan(seed: seed ?? 0, dtype: type)
                config = try p.huggingFaceConfig()
            }
            // One rank of a job (--rank/--world-size or a launcher's environment): its shards of the set (RankedInit).
            var rank = try rankOptions.context(fromEnvironment: true)
            // Slices (--tensor-parallel, --slice): one file of this rank's parts of the tensors (SliceOptions).
            var target = output
            if sliceOptions.isSlicing {
                let sliced = try sliceOptions.apply(plan, output: output, rank: rank)
                (plan, target, rank) = (sliced.plan, sliced.output, nil)
                location = OutputLocation(output: target)
                for note in sliced.notes { printError("tensorseed: note: \(note)") }
            }
            if !isNpy { try plan.checkHeaderSizes(maxShardBytes: maxShardSize.flatMap(ByteSize.parse)) }
            for note in CoarseTruncation.notes(plan) { printError("tensorseed: note: \(note)") }
            // An index name (NAME.safetensors.index.json) names a sharded set, with or without --max-shard-size: without it
            // every tensor goes in one file, NAME.safetensors, with no index, as --max-shard-size does when all fits in one shard.
            let namesSet = location.isFolder || maxShardSize != nil || Self.namesIndex(target)
            let names = namesSet ? ShardNames(output: target) : nil
            let shardBytes = maxShardSize.flatMap(ByteSize.parse) ?? Int.max
            if let context = rank {
                if names == nil, context.worldSize == 1 { rank = nil }   // one process writing a single file: nothing to split
                else { print(context.line) }
                if names == nil, context.worldSize > 1 {
                    throw RankError("rank \(context.rank) of \(context.worldSize): the ranks of a job write a sharded set; give --max-shard-size "
                                    + "and a folder or NAME.safetensors output (got '\(target)'); nothing was written")
                }
            }
            if dryRun, let rank, let names {
                printPlan(plan)
                return try RankedInit.printAssignment(plan, names: names, maxShardBytes: shardBytes, context: rank)
            }
            if dryRun { return printPlan(plan) }
            Interruption.installSignalHandlers()
            location.removeStaleTemporaries()
            let writer = SafetensorsWriter(engine: try EngineChoice(parsing: engineOptions.device), threads: threads,
                                           selfCheck: !engineOptions.noSelfCheck, chunkBytes: chunkMib << 20, force: force)
            let progress = ProgressLine(enabled: !quiet && isatty(2) != 0)
            let update = { (written: Int, total: Int) in progress.update(done: written, total: total) }
            // A folder gets what save_pretrained writes: the weights and, from a config, config.json and generation_config.json.
            let companions = location.isFolder && !sliceOptions.isSlicing ? config.map { HuggingFaceFolder.files(of: $0, dtype: plan.tensors.first?.dtype ?? $0.dtype) } ?? [] : []
            if let rank, let names {
                _ = try location.withFolder {
                    try RankedInit.write(plan, writer: writer, names: names, maxShardBytes: shardBytes, context: rank, companions: companions,
                                         progress: update)
                }
                return progress.finish()
            }
            let summary = try location.withFolder { () throws -> WriteSummary in
                if isNpy && !location.isFolder { return try writer.writeNpy(plan, to: target, progress: update) }
                if let names {
                    return try writer.writeSharded(plan, names: names, maxShardBytes: shardBytes, companions: companions, progress: update)
                }
                return try writer.write(plan, to: target, progress: update)
            }
            progress.finish()
            let weights = summary.files.count - companions.count
            let shards = weights > 1 ? " (\(weights - 1) shards and the index)" : ""
            let beside = companions.isEmpty ? "" : " with " + companions.map(\.name).joined(separator: " and ")
            let seedNote = seed == nil && (config != nil || spec == nil) ? " (the default: give --seed for other weights)" : ""
            print("wrote \(summary.path)\(shards)\(beside): \(summary.tensors) tensors, \(summary.parameters) parameters, \(summary.fileBytes) bytes "
                  + "in \(format(summary.seconds, digits: 3)) s, \(format(summary.gigabytesPerSecond)) GB/s, seed \(plan.seed)\(seedNote), engine \(summary.engine)")
            if Self.namesIndex(target), !summary.files.contains(where: Self.namesIndex) {
                printError("tensorseed: note: every tensor fits in one file, so \(summary.path) was written with no index, as save_pretrained "
                           + "writes a model of one shard (give --max-shard-size below \(plan.byteCount) bytes for shards and \(target))")
            }
            if !summary.removed.isEmpty {
                print("removed \(summary.removed.count) file(s) of the earlier set (--force): \(summary.removed.joined(separator: ", "))")
            }
        }
    }
}

/// Runs `body`; an error becomes one line on stderr and a non-zero exit (128 + the signal after one: 129 SIGHUP, 130 SIGINT, 143 SIGTERM).
func failingCleanly(_ body: () throws -> Void) throws {
    do { try body() } catch let error as ExitCode {
        throw error
    } catch {
        printError("tensorseed: error: \(error)")
        if case let WriterError.interrupted(_, signal) = error { throw ExitCode(128 + signal) }
        throw ExitCode.failure
    }
}

/// A one-line progress display on stderr (bytes, rate, ETA), redrawn at most 10 times a second.
final class ProgressLine {
    private let enabled: Bool
    private let start = DispatchTimeSeconds.now()
    private var last = 0.0
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(done: Int, total: Int) {
        guard enabled else { return }
        let now = DispatchTimeSeconds.now()
        guard now - last >= 0.1 || done == total else { return }
        last = now
        let elapsed = max(now - start, 1e-9)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * Double(done) / Double(total) : 100
        let line = "\r\(format(percent, digits: 1))%  \(format(Double(done) / 1e9)) / \(format(Double(total) / 1e9)) GB  "
            + "\(format(rate / 1e9)) GB/s  ETA \(format(eta, digits: 0)) s   "
        let bytes = Array(line.utf8)
        _ = write(2, bytes, bytes.count)
        drawn = true
    }

    func finish() {
        if drawn { printError("") }
    }
}

/// Monotonic seconds.
enum DispatchTimeSeconds {
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
