// CPUEngine and OpenCLEngine throughput: fill 2^22 float32 values (16 MiB) into one buffer that
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
        ("truncated_normal(-2, 2)", .truncatedNormal(mean: 0, std: 1, low: -2, high: 2)),
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

    // The device engine on the first OpenCL device (PoCL's CPU device on a machine without a GPU),
    // with and without the per-chunk self-check; skipped when there is no OpenCL device.
    if let device = try? OpenCLDiscovery.devices().first {
        for selfCheck in [true, false] {
            guard let openCL = try? OpenCLEngine(device: device, selfCheck: selfCheck) else { continue }
            for (label, distribution) in cases.prefix(2) {
                Benchmark("OpenCLEngine fill 2^22 float32 \(label) [\(openCL.name), self-check \(selfCheck ? "on" : "off")]") { benchmark in
                    for iteration in benchmark.scaledIterations {
                        try openCL.fill(buffer.storage, stream: stream, offset: UInt64(iteration) << 22,
                                        distribution: distribution)
                    }
                    blackHole(buffer.storage[elementCount - 1])
                }
            }
        }
    }
}
