/// Megatron-style tensor-parallel split rules: which dimension of each weight the ranks of a tensor-parallel
/// group split. Column-parallel layers split their output features, row-parallel layers their input features,
/// vocabulary-parallel embeddings (and the output head) their vocabulary; everything else (norms, position
/// embeddings, row-parallel biases) is replicated whole on every rank. Sources: Shoeybi et al., "Megatron-LM"
/// (2019), section 3 (the MLP's first layer and Q/K/V column-parallel, the MLP's second layer and the attention
/// output row-parallel, the embedding split along the vocabulary); Hugging Face transformers' `base_model_tp_plan`
/// of LlamaConfig ("colwise" q/k/v/gate/up_proj, "rowwise" o_proj/down_proj).
public enum TensorParallelLayout: String, CaseIterable, Sendable {
    /// Hugging Face Llama names (also Mistral, Qwen2): `torch.nn.Linear` weights are [out, in], so column-parallel
    /// splits dimension 0 and row-parallel dimension 1.
    case llama
    /// Hugging Face GPT-2 names: `Conv1D` weights are [in, out], the transpose of Linear's, so column-parallel
    /// (`c_attn`, `c_fc`) splits dimension 1 and row-parallel (`c_proj`) dimension 0. `c_attn` holds Q, K and V
    /// side by side: a rank's part is a plain range of its columns, not Megatron's per-head interleaving.
    case gpt2

    /// (name pattern, dimension split) in order; the first match wins; names that match none are replicated.
    public var rules: [(pattern: String, dimension: Int)] {
        switch self {
        case .llama:
            return ["q_proj", "k_proj", "v_proj", "gate_proj", "up_proj"].flatMap { [("*.\($0).weight", 0), ("*.\($0).bias", 0)] }
                + [("*.o_proj.weight", 1), ("*.down_proj.weight", 1), ("*embed_tokens.weight", 0), ("lm_head.weight", 0)]
        case .gpt2:
            return [("*.attn.c_attn.weight", 1), ("*.attn.c_attn.bias", 0), ("*.mlp.c_fc.weight", 1), ("*.mlp.c_fc.bias", 0),
                    ("*.attn.c_proj.weight", 0), ("*.mlp.c_proj.weight", 0), ("*wte.weight", 0), ("lm_head.weight", 0)]
        }
    }

    /// The dimension `name` is split along, or nil (replicated).
    public func dimension(of name: String) -> Int? { rules.first { NamePattern.matches($0.pattern, name) }?.dimension }

    /// The layout whose names the plan uses (Llama's `q_proj`, GPT-2's `c_attn`), or nil.
    public static func detect(_ plan: ModelPlan) -> TensorParallelLayout? {
        if plan.tensors.contains(where: { $0.name.hasSuffix(".q_proj.weight") }) { return .llama }
        if plan.tensors.contains(where: { $0.name.hasSuffix(".c_attn.weight") }) { return .gpt2 }
        return nil
    }
}

/// Slicing a plan: rank `rank` of a tensor-parallel group of `size` (`TensorParallelLayout`'s rules), or
/// explicit ranges (`SliceRequest`).
public enum PlanSlicing {
    /// The plan of rank `rank` of `size`: split tensors cut into equal parts, the others whole.
    public static func tensorParallel(_ plan: ModelPlan, rank: Int, size: Int, layout: TensorParallelLayout) throws -> ModelPlan {
        let jobs = try plan.tensors.map { job -> TensorJob in
            guard let dimension = layout.dimension(of: job.name), dimension < job.shape.count else { return job }
            do {
                return try TensorJob(slicing: job, TensorSlice(fullShape: job.shape, dimension: dimension, part: rank, of: size))
            } catch {
                throw SliceError("tensor \"\(job.name)\": \(error)")
            }
        }
        return try ModelPlan(seed: plan.seed, tensors: jobs)
    }

    /// The plan with every tensor that matches a request's pattern cut to its range (the first matching request).
    public static func apply(_ requests: [SliceRequest], to plan: ModelPlan) throws -> ModelPlan {
        var used = Set<Int>()
        let jobs = try plan.tensors.map { job -> TensorJob in
            guard let i = requests.firstIndex(where: { NamePattern.matches($0.pattern, job.name) }) else { return job }
            used.insert(i)
            let r = requests[i]
            do {
                return try TensorJob(slicing: job, TensorSlice(fullShape: job.shape, dimension: r.dimension, start: r.start, end: r.end ?? (r.dimension < job.shape.count ? job.shape[r.dimension] : 0)))
            } catch {
                throw SliceError("--slice \(r.text): tensor \"\(job.name)\": \(error)")
            }
        }
        if let unused = requests.indices.first(where: { !used.contains($0) }) {
            throw SliceError("--slice \(requests[unused].text): no tensor matches \"\(requests[unused].pattern)\"")
        }
        return try ModelPlan(seed: plan.seed, tensors: jobs)
    }
}

/// `PATTERN=DIM:START:END` (END may be empty for the end of the dimension): the range `START ..< END` along
/// dimension `DIM` of every tensor whose name matches the glob `PATTERN`.
public struct SliceRequest: Sendable, Hashable {
    public let pattern: String
    public let dimension: Int
    public let start: Int
    public let end: Int?
    /// The text it was read from.
    public let text: String

    /// Reads `PATTERN=DIM:START:END`.
    public init(parsing text: String) throws {
        guard let eq = text.lastIndex(of: "=") else { throw SliceError("--slice '\(text)' is not PATTERN=DIM:START:END") }
        let parts = text[text.index(after: eq)...].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let dim = Int(parts[0]), let start = Int(parts[1]), dim >= 0, start >= 0,
              parts[2].isEmpty || Int(parts[2]) != nil, !text[..<eq].isEmpty else {
            throw SliceError("--slice '\(text)' is not PATTERN=DIM:START:END (e.g. '*.q_proj.weight=0:0:1024')")
        }
        pattern = String(text[..<eq])
        dimension = dim
        self.start = start
        end = parts[2].isEmpty ? nil : Int(parts[2])
        self.text = text
    }
}
