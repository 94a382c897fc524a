import CWideStream
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The instruction-set path of the CPU engine's hot loops (Philox, the transforms, float16/bfloat16
/// conversion), chosen once from CPUID; every path gives the same bits (CPUPathIdentityTests).
///
/// `baseline` is the Swift code of `Sources/TensorSeed/Stream` as the package's build target allows it
/// (SSE2 on x86-64, NEON on ARM through the Swift SIMD types); `avx2` and `avx512` are the mirrors of
/// those functions in the `CWideStream` C target, compiled for those instruction sets only.
public enum CPUPath: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The Swift code, on every host.
    case baseline
    /// AVX2 (x86-64 processors from 2013 on).
    case avx2
    /// AVX-512 F, BW, DQ and VL (x86-64 server processors from 2017 on, AMD Zen 4).
    case avx512

    /// The environment variable that forces a path: `TENSORSEED_CPU_PATH=baseline|avx2|avx512`.
    public static let environmentVariable = "TENSORSEED_CPU_PATH"

    public var description: String { rawValue }

    /// Whether this processor (and its operating system) can run the path.
    public var isSupported: Bool { ts_wide_path_supported(cValue) != 0 }

    /// The paths this processor supports, narrowest first (always starts with `baseline`).
    public static var supported: [CPUPath] { allCases.filter(\.isSupported) }

    /// The widest supported path: what the engine runs unless told otherwise.
    public static var best: CPUPath { supported.last ?? .baseline }

    /// The path `TENSORSEED_CPU_PATH` names (unset or empty: `best`); an unknown name or a path this
    /// processor lacks is an error.
    public static func fromEnvironment() throws -> CPUPath {
        guard let raw = getenv(environmentVariable), case let text = String(cString: raw), !text.isEmpty else { return best }
        return try named(text)
    }

    /// The path called `name`, if this processor supports it.
    public static func named(_ name: String) throws -> CPUPath {
        guard let path = CPUPath(rawValue: name.lowercased()) else { throw CPUPathError.unknown(name) }
        guard path.isSupported else { throw CPUPathError.unsupported(path, supported: supported) }
        return path
    }

    /// The C library's name for the path.
    var cValue: ts_cpu_path {
        switch self {
        case .baseline: return TS_PATH_BASELINE
        case .avx2: return TS_PATH_AVX2
        case .avx512: return TS_PATH_AVX512
        }
    }
}

/// Why a CPU path cannot be used (one line each).
public enum CPUPathError: Error, CustomStringConvertible, Equatable {
    /// The name is not one of `CPUPath`'s.
    case unknown(String)
    /// The processor lacks the instructions of the path.
    case unsupported(CPUPath, supported: [CPUPath])

    public var description: String {
        switch self {
        case let .unknown(name):
            return "unknown CPU path '\(name)' (\(CPUPath.environmentVariable)): use one of \(CPUPath.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .unsupported(path, supported):
            return "CPU path \(path) requested (\(CPUPath.environmentVariable)) but this processor supports only \(supported.map(\.rawValue).joined(separator: ", "))"
        }
    }
}
