/// The fixed battery that `tensorseed devices --check` runs on every engine before it is trusted:
///
/// 1. SPEC.md's published test vectors (`SpecVector.all`), in runs of consecutive elements;
/// 2. a range of every distribution stored as every storage type (float32, float16, bfloat16, float64),
///    at offsets chosen to cross the places where implementations go wrong: a range starting inside a
///    32-element group, one crossing word 1 of the Philox counter (element 2^34), one ending at element
///    2^64 − 1, lengths that leave partial groups at both ends; compared with the CPU engine;
/// 3. results that are subnormal floats (the final `× std` or `× (high − low)` of a distribution with
///    tiny parameters), which a device that flushes subnormals gets wrong;
/// 4. an orthogonal tensor of more than one 64-column panel: the normals on the engine, the QR on the host;
/// 5. (full size only) one range longer than the OpenCL engine's default chunk, so two chunks alternate.
///
/// `small` has the same checks with fewer elements, for simulators such as Oclgrind, which interpret
/// every work-item.
public struct ConformanceBattery: Sendable {
    /// How many elements each check covers.
    public enum Size: String, Sendable, Hashable, CaseIterable {
        /// About 135 000 elements per range and a 200 × 136 orthogonal tensor, plus one range of two chunks.
        case full
        /// About 1 000 elements per range and an 80 × 68 orthogonal tensor: for simulators.
        case small
    }

    public let size: Size
    public let checks: [ConformanceCheck]

    /// The battery of `size`.
    public init(size: Size) {
        self.size = size
        checks = Self.specVectorChecks() + Self.rangeChecks(size) + Self.subnormalChecks(size)
            + [Self.orthogonalCheck(size)] + (size == .full ? [Self.twoChunkCheck()] : [])
    }

    /// The size for an OpenCL device: `small` for a simulator, else `full`.
    public static func size(for device: OpenCLDeviceInfo) -> Size {
        device.isSimulator ? .small : .full
    }

    /// The published vectors, one check per run of consecutive indices of one (seed, name, distribution).
    static func specVectorChecks() -> [ConformanceCheck] {
        var checks: [ConformanceCheck] = []
        var run: [SpecVector] = []
        func close() {
            guard let first = run.first else { return }
            checks.append(ConformanceCheck(
                label: "SPEC.md test vectors: seed \(first.seed), \(first.kind.rawValue), elements \(first.index)...\(first.index + UInt64(run.count - 1))",
                subject: .range(seed: first.seed, name: first.name, offset: first.index, count: run.count,
                                distribution: first.kind.distribution, storage: .float32),
                reference: .published(run.map(\.bits))))
            run = []
        }
        for vector in SpecVector.all {
            if let last = run.last, !(last.seed == vector.seed && last.name == vector.name && last.kind == vector.kind
                                      && last.index + 1 == vector.index) {
                close()
            }
            run.append(vector)
        }
        close()
        return checks
    }

    /// One row of the range table: a distribution, a storage type, a stream and where the range starts.
    private struct RangeRow {
        let distribution: Distribution
        let storage: StorageType
        let seed: UInt64
        let name: String
        /// The first element; nil: the range ends at element 2^64 − 1.
        let offset: UInt64?
    }

    /// Every distribution × every storage type, with parameters an initializer uses and seeds and names
    /// of every shape (the Oclgrind example is the second row).
    private static let rangeRows: [RangeRow] = [
        RangeRow(distribution: .uniform(low: -0.1, high: 0.1), storage: .float32, seed: 0x243F_6A88_85A3_08D3,
                 name: "model.layers.0.mlp.up_proj.weight", offset: 12_345),
        RangeRow(distribution: .normal(mean: 0, std: 1), storage: .float32, seed: 42, name: "layers.0.w", offset: 12_345),
        RangeRow(distribution: .truncatedNormal(mean: 0, std: 1, low: -2, high: 2), storage: .float32, seed: 7,
                 name: "h.3.attn.c_attn.weight", offset: (1 << 34) - 13),
        RangeRow(distribution: .uniform(low: 0, high: 1), storage: .float16, seed: 1, name: "embed_tokens.weight", offset: 31),
        RangeRow(distribution: .normal(mean: 0.5, std: 2), storage: .float16, seed: .max, name: "lm_head.weight",
                 offset: 1_000_003),
        RangeRow(distribution: .truncatedNormal(mean: 0.1, std: 0.02, low: 0.06, high: 0.14), storage: .float16,
                 seed: 0x1319_8A2E_0370_7344, name: "encoder.layer.11.output.dense.weight", offset: 7),
        RangeRow(distribution: .uniform(low: -3, high: 5), storage: .bfloat16, seed: 2024, name: "conv1.weight",
                 offset: (1 << 40) + 17),
        RangeRow(distribution: .normal(mean: -1, std: 0.25), storage: .bfloat16, seed: 0xA409_3822_299F_31D0,
                 name: "transformer.wte.weight", offset: 65_535),
        RangeRow(distribution: .truncatedNormal(mean: 0, std: 0.02, low: -0.04, high: 0.04), storage: .bfloat16,
                 seed: 3, name: "blocks.5.ffn.w2", offset: nil),
        RangeRow(distribution: .uniform(low: -0.5, high: 0.5), storage: .float64, seed: 0x082E_FA98_EC4E_6C89,
                 name: "decoder.embed_positions.weight", offset: 5),
        RangeRow(distribution: .normal(mean: 0, std: 0.02), storage: .float64, seed: 99, name: "w",
                 offset: (1 << 34) + 1),
        RangeRow(distribution: .truncatedNormal(mean: 1, std: 3, low: -4, high: 2), storage: .float64,
                 seed: 0x4528_21E6_38D0_1377, name: "layer_norm.bias", offset: 0),
    ]

    /// Elements of range row `row`: a different partial group at the end of each.
    static func rangeCount(_ size: Size, row: Int) -> Int {
        (size == .full ? 135_171 : 1_027) + 37 * row
    }

    static func rangeChecks(_ size: Size) -> [ConformanceCheck] {
        rangeRows.enumerated().map { row, r in
            let count = rangeCount(size, row: row)
            let offset = r.offset ?? (UInt64.max - UInt64(count) + 1)
            return ConformanceCheck(label: "\(describe(r.distribution)) \(r.storage.rawValue), \(count) elements at \(offset)",
                                    subject: .range(seed: r.seed, name: r.name, offset: offset, count: count,
                                                    distribution: r.distribution, storage: r.storage),
                                    reference: .cpuEngine)
        }
    }

    /// Distributions whose results are mostly subnormal floats: the last multiplication by a parameter of
    /// 2^-130 (itself subnormal, about 7.3e-40) underflows gradually; a device that flushes subnormals writes zeros.
    /// (Only this final scaling by a parameter may be subnormal: SPEC.md keeps every earlier intermediate normal.)
    static func subnormalChecks(_ size: Size) -> [ConformanceCheck] {
        let count = size == .full ? 4_099 : 515
        let distributions: [Distribution] = [
            .truncatedNormal(mean: 0, std: 0x1p-130, low: -0x1p-129, high: 0x1p-129),
            .normal(mean: 0, std: 0x1p-130),
            .uniform(low: -0x1p-130, high: 0x1p-130),
        ]
        return distributions.map { distribution in
            ConformanceCheck(label: "subnormal results: \(describe(distribution)) F32, \(count) elements",
                             subject: .range(seed: 5, name: "subnormal", offset: 3, count: count, distribution: distribution,
                                             storage: .float32),
                             reference: .cpuEngine)
        }
    }

    /// An orthogonal tensor wider than one 64-column panel of the blocked QR (SPEC.md, orthogonal).
    static func orthogonalCheck(_ size: Size) -> ConformanceCheck {
        let (rows, columns) = size == .full ? (200, 136) : (80, 68)
        return ConformanceCheck(label: "orthogonal \(rows) × \(columns) (normals on the engine, QR on the host)",
                                subject: .orthogonal(seed: 11, name: "q", rows: rows, columns: columns),
                                reference: .cpuEngine)
    }

    /// A range a little longer than `OpenCLEngine.defaultMaxChunkElements`, so that the two chunk
    /// buffers alternate and the second chunk is partial.
    static func twoChunkCheck() -> ConformanceCheck {
        let count = OpenCLEngine.defaultMaxChunkElements + 4_101
        return ConformanceCheck(label: "two chunks: normal F16, \(count) elements at 77",
                                subject: .range(seed: 8, name: "chunks", offset: 77, count: count,
                                                distribution: .normal(mean: 0, std: 1), storage: .float16),
                                reference: .cpuEngine)
    }

    /// E.g. "normal(0.5, 2.0)".
    static func describe(_ distribution: Distribution) -> String {
        switch distribution {
        case let .uniform(low, high): return "uniform(\(low), \(high))"
        case let .normal(mean, std): return "normal(\(mean), \(std))"
        case let .truncatedNormal(mean, std, low, high): return "truncated_normal(\(mean), \(std), \(low), \(high))"
        }
    }
}
