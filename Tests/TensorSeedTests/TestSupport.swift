import Foundation
@testable import TensorSeed

/// Paths of files the tests read from the repository.
enum RepositoryFile {
    /// The repository root, found from this file's location.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> URL {
        root.appendingPathComponent("Tests/TensorSeedTests/Fixtures").appendingPathComponent(name)
    }

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }
}

/// The distance in float32 ulps (of the reference's binade) between a float32 result and a float64 reference.
func ulpError(_ value: Float, reference: Double) -> Double {
    if reference == 0 { return value == 0 ? 0 : .infinity }
    let magnitude = abs(reference)
    let exponent = max(Int(floor(log2(magnitude))), -126)
    let ulp = pow(2.0, Double(exponent - 23))
    return abs(Double(value) - reference) / ulp
}

/// A small deterministic generator for test parameters (SplitMix64, Steele, Lea and Flood, OOPSLA 2014).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` in the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}
