import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import TensorSeed

/// Wall-clock throughput of filling an already-touched float32 buffer: by an engine (a distribution's
/// stream) or by `TensorGenerator` (a scheme on a tensor shape, see SchemeThroughput.swift).
struct Throughput {
    var elements: Int   // float32 values written per fill
    var seconds: Double   // best of the repeats

    var gigabytesPerSecond: Double { Double(elements * 4) / seconds / 1e9 }
    var gigasamplesPerSecond: Double { Double(elements) / seconds / 1e9 }
    var summary: String {
        "\(format(gigabytesPerSecond)) GB/s, \(format(gigasamplesPerSecond)) Gsamples/s (\(elements) float32, best of repeats)"
    }

    /// Fills one buffer `repeats` times (after one untimed warm-up that also touches every page)
    /// and keeps the fastest run.
    static func measure(engine: any TensorEngine, elements: Int, distribution: Distribution, repeats: Int) throws -> Throughput {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: elements)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0)
        let stream = TensorStream(seed: 1, name: "throughput")
        try engine.fill(buffer, stream: stream, offset: 0, distribution: distribution)
        let seconds = try bestSeconds(of: repeats) { r in
            try engine.fill(buffer, stream: stream, offset: UInt64(r) * UInt64(elements), distribution: distribution)
        }
        return Throughput(elements: elements, seconds: seconds)
    }

    /// The fastest wall-clock seconds of `run(r)` for r in 0 ..< repeats (at least one run).
    static func bestSeconds(of repeats: Int, _ run: (Int) throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for r in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try run(r)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}

extension Throughput {
    /// The memory write bandwidth of this machine: the best of `repeats` memsets of an already-touched
    /// buffer of `elements` float32, the ceiling for any engine that writes them.
    static func measureMemset(elements: Int, repeats: Int) throws -> Throughput {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: elements * 4, alignment: 64)
        defer { buffer.deallocate() }
        memset(buffer.baseAddress!, 1, buffer.count)
        let seconds = bestSeconds(of: repeats) { r in memset(buffer.baseAddress!, Int32(r & 0x7F), buffer.count) }
        return Throughput(elements: elements, seconds: seconds)
    }
}

/// `x` rounded to `digits` decimals, in plain notation ("0.000012", never "1.2e-05"); magnitudes of
/// 9e15 / 10^digits and above, and non-finite values, as Swift prints them.
func format(_ x: Double, digits: Int = 2) -> String {
    var p: Int64 = 1
    for _ in 0..<digits { p *= 10 }
    let scaled = (abs(x) * Double(p)).rounded()
    guard scaled.isFinite, scaled < 9e15 else { return String(x) }
    let n = Int64(scaled)
    let fraction = String(n % p)
    let decimals = digits > 0 ? "." + String(repeating: "0", count: digits - fraction.count) + fraction : ""
    return (x < 0 && n != 0 ? "-" : "") + String(n / p) + decimals
}

/// `s` padded with spaces on the right to `width` characters.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
