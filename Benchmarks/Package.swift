// swift-tools-version: 6.1
// Benchmark suite for TensorSeed, kept out of the root package so that the
// library and CLI never depend on ordo-one/benchmark.
//
// Run from the repository root:
//   swift package --package-path Benchmarks --scratch-path .build-bench-pkg benchmark
// See Benchmarks/README.md for why benchmark's default traits are not used.
import PackageDescription

let package = Package(
    name: "TensorSeedBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "TensorSeed", path: ".."),
        // Only the "MallocInterposer" trait: benchmark's default traits also turn on
        // "RuntimeInterposer", which on Linux with Swift 6.3 depends on
        // ordo-one/swift-runtime-interposer, a package that cannot be fetched here.
        // That trait only serves ARC (retain/release) metrics, which are not used.
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CPUEngineBenchmarks",
            dependencies: [
                .product(name: "TensorSeed", package: "TensorSeed"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CPUEngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
