import ArgumentParser
import Foundation
import TensorSeed

/// `--tensor-parallel` and `--slice`: `init` writes parts of tensors (`PlanSlicing`), one file per tensor-parallel rank.
struct SliceOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Write rank R's slices of a Megatron-style tensor-parallel group of N: column-parallel weights (Q/K/V, gate/up, "
                               + "GPT-2's c_attn/c_fc) split along their output features, row-parallel ones (o_proj/down_proj, c_proj) along "
                               + "their input features, embeddings and lm_head along the vocabulary (parts as torch.chunk cuts them); the rest whole. 'N' alone takes R from "
                               + "--rank or the launcher's environment, whose world size must be N. A folder output gets DIR/model-tp0000R-of-0000N.safetensors.",
                               valueName: "R/N"))
    var tensorParallel: String?
    @Option(help: ArgumentHelp("The split rules for --tensor-parallel: llama (Llama, Mistral, Qwen2 names) or gpt2 (default: from the tensor names).",
                               valueName: "llama|gpt2"))
    var tpLayout: String?
    @Option(help: ArgumentHelp("Write only the range START:END along dimension DIM of the tensors whose names match PATTERN (a glob; "
                               + "END empty for the end); repeatable. A slice holds exactly the bytes of the same part of the whole tensor.",
                               valueName: "PATTERN=DIM:START:END"))
    var slice: [String] = []

    /// Whether any slicing is asked for.
    var isSlicing: Bool { tensorParallel != nil || !slice.isEmpty }

    /// The sliced plan and the file to write (a folder output named for the tensor-parallel rank), with notes for stderr.
    func apply(_ plan: ModelPlan, output: String, rank: RankContext?) throws -> (plan: ModelPlan, output: String, notes: [String]) {
        var plan = plan, output = output, notes: [String] = []
        if let tensorParallel {
            let (r, n) = try parse(tensorParallel, rank: rank)
            let layout: TensorParallelLayout
            if let tpLayout {
                guard let chosen = TensorParallelLayout(rawValue: tpLayout) else { throw SliceError("unknown --tp-layout '\(tpLayout)' (use llama or gpt2)") }
                layout = chosen
            } else {
                guard let found = TensorParallelLayout.detect(plan) else {
                    throw SliceError("--tensor-parallel: no built-in rules fit these tensor names (neither Llama's q_proj nor GPT-2's c_attn); "
                                     + "give --tp-layout, or --slice for each tensor")
                }
                layout = found
            }
            plan = try PlanSlicing.tensorParallel(plan, rank: r, size: n, layout: layout)
            if ShardNames.namesFolder(output) {
                let folder = output.hasSuffix("/") ? String(output.dropLast()) : output
                output = (folder.isEmpty ? "" : folder + "/") + "model-tp\(fiveDigits(r))-of-\(fiveDigits(n)).safetensors"
            }
            notes.append("tensor-parallel rank \(r) of \(n) (\(layout.rawValue) rules): \(plan.tensors.filter { $0.slice != nil }.count) of "
                         + "\(plan.tensors.count) tensors sliced, \(plan.byteCount) bytes")
        }
        if !slice.isEmpty { plan = try PlanSlicing.apply(slice.map(SliceRequest.init(parsing:)), to: plan) }
        for job in plan.tensors where job.slice != nil {
            if case let .orthogonal(rows, columns, _) = job.recipe {
                notes.append("orthogonal \"\(job.name)\": its slice is cut from the whole \(rows) x \(columns) matrix, which is computed in full")
            }
        }
        return (plan, output, notes)
    }

    private func parse(_ text: String, rank: RankContext?) throws -> (Int, Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1, let n = Int(parts[0]), n >= 1 {
            guard let rank else { throw SliceError("--tensor-parallel \(text): give R/N, or --rank/--world-size or a launcher's rank") }
            // A job of another size would half-succeed (its ranks below N write, the others fail): every rank refuses alike.
            guard rank.worldSize == n else {
                throw SliceError("--tensor-parallel \(text): the tensor-parallel group has \(n) ranks, the launcher (\(rank.source)) says \(rank.worldSize); run \(n) tasks")
            }
            guard rank.rank < n else { throw SliceError("--tensor-parallel \(text): rank \(rank.rank) (from \(rank.source)) is not below \(n)") }
            return (rank.rank, n)
        }
        guard parts.count == 2, let r = Int(parts[0]), let n = Int(parts[1]), n >= 1, r >= 0, r < n else {
            throw SliceError("--tensor-parallel '\(text)' is not R/N with 0 <= R < N (e.g. 1/4)")
        }
        return (r, n)
    }

    private func fiveDigits(_ n: Int) -> String { String(repeating: "0", count: max(0, 5 - String(n).count)) + String(n) }
}
