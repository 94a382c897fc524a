/// An initialization scheme of `torch.nn.init` or `jax.nn.initializers`.
///
/// A scheme and a shape resolve to a `TensorRecipe` (`recipe(shape:)`): the distribution with its
/// computed parameters, or a structured fill. Parameters are computed in float64 (whose +, −, ×, ÷
/// and √ are correctly rounded on every IEEE host, so the result is the same everywhere) and rounded
/// once to float32.
public enum InitScheme: Sendable, Hashable {
    /// U(low, high).
    case uniform(low: Double = 0, high: Double = 1)
    /// N(mean, std).
    case normal(mean: Double = 0, std: Double = 1)
    /// N(mean, std²) truncated to [a, b] (absolute bounds, torch `trunc_normal_`), by the inverse CDF.
    case truncatedNormal(mean: Double = 0, std: Double = 1, a: Double = -2, b: Double = 2)
    /// Every element `value`.
    case constant(Double)
    case zeros, ones
    /// The identity matrix (2-D only), like `torch.nn.init.eye_`.
    case eye
    /// The Dirac delta of convolution weights (3-, 4- or 5-D), like `torch.nn.init.dirac_`.
    case dirac(groups: Int = 1)
    /// `nn.Embedding(num, dim, padding_idx)` weight: N(0, std) (torch: std 1; transformers' `_init_weights`:
    /// `initializer_range`) with row `paddingIndex` (negative counts from the end, as torch allows) set to zero.
    case embedding(paddingIndex: Int?, std: Double = 1)
    /// torch `orthogonal_`: a (semi-)orthogonal matrix from the QR of a normal matrix, times `gain`;
    /// ≥ 2-D tensors are flattened to (shape[0], rest) as torch does.
    case orthogonal(gain: Double = 1)
    /// torch `sparse_`: 2-D only; N(0, std) with ⌈sparsity · rows⌉ entries of every column set to zero.
    /// Which rows are zeroed is TensorSeed's own deterministic choice (SPEC.md 8.6), not torch's `randperm`.
    case sparse(sparsity: Double, std: Double = 0.01)
    /// Glorot/Xavier uniform: U(−a, a), a = gain·√(6 / (fan_in + fan_out)) (torch `xavier_uniform_`).
    case xavierUniform(gain: Double = 1)
    /// Glorot/Xavier normal: N(0, gain·√(2 / (fan_in + fan_out))) (torch `xavier_normal_`).
    case xavierNormal(gain: Double = 1)
    /// He/Kaiming uniform: U(−b, b), b = √3 · gain / √fan (torch `kaiming_uniform_`; `a` is leaky ReLU's slope).
    case kaimingUniform(a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu())
    /// He/Kaiming normal: N(0, gain / √fan) (torch `kaiming_normal_`).
    case kaimingNormal(a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu())
    /// LeCun uniform: JAX `lecun_uniform` = varianceScaling(1, fan_in, uniform).
    case lecunUniform
    /// LeCun normal: JAX `lecun_normal` = varianceScaling(1, fan_in, truncated normal).
    case lecunNormal
    /// JAX `variance_scaling`: variance = scale / fan(mode), drawn from `distribution`.
    case varianceScaling(scale: Double, mode: FanMode, distribution: VarianceScalingDistribution,
                         inAxis: [Int] = [-2], outAxis: [Int] = [-1], batchAxis: [Int] = [])

    /// The distribution family of `varianceScaling`.
    public enum VarianceScalingDistribution: String, Sendable, Hashable, CaseIterable {
        case truncatedNormal = "truncated_normal", normal, uniform
    }

    /// A short name for messages and metadata.
    public var name: String {
        switch self {
        case .uniform: return "uniform"
        case .normal: return "normal"
        case .truncatedNormal: return "trunc_normal"
        case .constant: return "constant"
        case .zeros: return "zeros"
        case .ones: return "ones"
        case .eye: return "eye"
        case .dirac: return "dirac"
        case .sparse: return "sparse"
        case .orthogonal: return "orthogonal"
        case .embedding: return "embedding"
        case .xavierUniform: return "xavier_uniform"
        case .xavierNormal: return "xavier_normal"
        case .kaimingUniform: return "kaiming_uniform"
        case .kaimingNormal: return "kaiming_normal"
        case .lecunUniform: return "lecun_uniform"
        case .lecunNormal: return "lecun_normal"
        case .varianceScaling: return "variance_scaling"
        }
    }
}

/// What an engine must produce for one tensor: the resolved form of an `InitScheme` and a shape.
public enum TensorRecipe: Sendable, Hashable {
    /// Every element from the tensor's stream in this distribution.
    case random(Distribution)
    /// Every element equal to this value.
    case constant(Float)
    /// Ones on the main diagonal of a rows × columns matrix, zeros elsewhere.
    case eye(rows: Int, columns: Int)
    /// torch's `dirac_`: a one at [g·(out/groups) + d, d, centre…] for d < min(out/groups, in).
    case dirac(shape: [Int], groups: Int)
    /// N(0, std) from the tensor's stream with, in every column of a rows × columns matrix, the
    /// `zerosPerColumn` rows of smallest sparsity key set to zero (SPEC.md 8.6).
    case sparse(rows: Int, columns: Int, zerosPerColumn: Int, std: Float)
    /// `gain · Q`, Q the orthonormal factor of the rows × columns N(0, 1) matrix of the tensor's stream
    /// (of its transpose when rows < columns), with R's diagonal made positive (SPEC.md 8.7).
    case orthogonal(rows: Int, columns: Int, gain: Double)
    /// N(0, std) from the tensor's stream (`Distribution.standardNormal` when std is 1) with elements
    /// [row·columns, (row + 1)·columns) set to zero.
    case zeroRow(row: Int, columns: Int, std: Float = 1)
}
