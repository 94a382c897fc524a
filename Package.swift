// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "TensorSeed",
    products: [
        .library(name: "TensorSeed", targets: ["TensorSeed"]),
        .executable(name: "tensorseed", targets: ["tensorseed"]),
        // The C ABI (Sources/TensorSeedC/include/tensorseed.h) as a shared library, for the Python package.
        .library(name: "TensorSeedC", type: .dynamic, targets: ["TensorSeedC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // YAML specs: the node API (compose) gives each value's line and column.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Thin C shim over the system OpenCL headers; the ICD loader is opened at run time (dlopen),
        // so the binary starts (CPU engine) where libOpenCL is not installed.
        .target(name: "COpenCL", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // The float64 fused-multiply-add kernels of the orthogonal scheme's QR: AVX2 + FMA where the
        // processor has them (chosen at run time), C `fma` elsewhere, the same bits either way.
        .target(name: "CFusedGEMM"),
        // The CPU engine's hot loops (Philox, the transforms, float16/bfloat16) built for AVX2 and AVX-512 and
        // chosen at run time; mirrors of Sources/TensorSeed/Stream, the same bits (CWideStream.h says why C).
        .target(name: "CWideStream"),
        // kernels/*.cl are compiled into TensorSeed as string constants by the EmbedKernels plugin.
        .target(name: "TensorSeed", dependencies: ["COpenCL", "CFusedGEMM", "CWideStream", .product(name: "Yams", package: "Yams")], plugins: ["EmbedKernels"]),
        // `@_cdecl` functions over TensorGenerator; the header is for C callers, not compiled here.
        .target(name: "TensorSeedC", dependencies: ["TensorSeed"], exclude: ["include"]),
        .executableTarget(name: "EmbedKernelsTool"),
        .plugin(name: "EmbedKernels", capability: .buildTool(), dependencies: ["EmbedKernelsTool"]),
        .executableTarget(
            name: "tensorseed",
            dependencies: ["TensorSeed", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(
            name: "TensorSeedTests",
            dependencies: ["TensorSeed", "CFusedGEMM", "CWideStream"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
