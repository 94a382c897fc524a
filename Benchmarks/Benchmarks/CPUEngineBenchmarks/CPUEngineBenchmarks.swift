// CPUEngine throughput: fill 2^22 float32 values (16 MiB) into one buffer that
// is allocated and written once up front, so page faults are not measured.
// One benchmark iteration is one fill; throughput is fills per second, and
// mallocCountTotal shows that a fill allocates (almost) nothing.
// GB/s of float32 output = throughput * 4 * 2^22 / 1e9 (≈ throughput * 0.0168).

import Benchmark
import TensorSeed

/// The preallocated, already-touched output buffer, shared by all benchmarks
/// of this suite. The benchmark runner calls the closures one at a time.
final class TouchedBuffer: @unchecked Sendable {
    let storage: UnsafeMutableBufferPointer<Float>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 1)
    }

    deinit { storage.deallocate() }
}

let elementCount = 1 << 22

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 200
    )

    let buffer = TouchedBuffer(count: elementCount)
    let engine = CPUEngine()
    let stream = TensorStream(seed: 0x5EED, name: "benchmarks.cpu_engine")

    let cases: [(label: String, distribution: Distribution)] = [
        ("uniform", .standardUniform),
        ("normal", .standardNormal),
        ("normal(mean: 0, std: 0.02)", .normal(mean: 0, std: 0.02)),
    ]

    for (label, distribution) in cases {
        Benchmark("CPUEngine fill 2^22 float32 \(label) [\(engine.name)]") { benchmark in
            for iteration in benchmark.scaledIterations {
                try engine.fill(buffer.storage, stream: stream, offset: UInt64(iteration) << 22,
                                distribution: distribution)
            }
            blackHole(buffer.storage[elementCount - 1])
        }
    }
}
