import Foundation
import TensorSeed

// The C ABI (include/tensorseed.h): the only door into the library from other languages. Each
// exported function validates every pointer and size it is given, turns every Swift error into a
// status code and one line of text in the caller's buffer, and never traps on input.

/// Status codes; the values are those of `enum tensorseed_status` in tensorseed.h.
enum CStatus: Int32 {
    case ok = 0, argument = 1, scheme = 2, engine = 3, fill = 4
}

/// A failure to report: its status code and one line of text.
struct CFailure: Error {
    let status: CStatus
    let message: String
}

/// Generators by seed, each keeping the engines it made (an OpenCL engine compiles its kernels once).
/// A `TensorGenerator` is not safe to use from two threads at once, so every call holds `lock`.
private final class GeneratorCache: @unchecked Sendable {
    static let shared = GeneratorCache()
    /// At most this many seeds keep a generator (the oldest is dropped first).
    private let capacity = 8
    private var generators: [(seed: UInt64, generator: TensorGenerator)] = []
    let lock = NSLock()

    /// The generator for `seed`; call with `lock` held.
    func generator(seed: UInt64) -> TensorGenerator {
        if let index = generators.firstIndex(where: { $0.seed == seed }) {
            let entry = generators.remove(at: index)
            generators.append(entry)
            return entry.generator
        }
        let generator = TensorGenerator(seed: seed)
        generators.append((seed, generator))
        if generators.count > capacity { generators.removeFirst() }
        return generator
    }
}

/// Writes `message` into the caller's error buffer as NUL-terminated UTF-8, truncated to fit
/// (never in the middle of a character).
private func report(_ message: String, to error: UnsafeMutablePointer<CChar>?, capacity: Int) {
    guard let error, capacity > 0 else { return }
    var bytes = Array(message.utf8.prefix(capacity - 1))
    // A cut multi-byte character is dropped whole (at most three bytes).
    while String(validating: bytes, as: UTF8.self) == nil { bytes.removeLast() }
    bytes.withUnsafeBufferPointer { source in
        error.withMemoryRebound(to: UInt8.self, capacity: capacity) { target in
            if let base = source.baseAddress { target.update(from: base, count: source.count) }
            target[source.count] = 0
        }
    }
}

/// Runs `body`, mapping a thrown `CFailure` (or any other error) to its status and message.
private func guarded(error message: UnsafeMutablePointer<CChar>?, capacity: Int, _ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return CStatus.ok.rawValue
    } catch let failure as CFailure {
        report(failure.message, to: message, capacity: capacity)
        return failure.status.rawValue
    } catch {
        report("\(error)", to: message, capacity: capacity)
        return CStatus.fill.rawValue
    }
}

/// The UTF-8 string at `pointer` of `length` bytes; `what` names it in the error.
private func utf8(_ pointer: UnsafePointer<CChar>?, length: Int, what: String) throws -> String {
    guard length >= 0 else { throw CFailure(status: .argument, message: "\(what): negative length") }
    if length == 0 { return "" }
    guard let pointer else { throw CFailure(status: .argument, message: "\(what): null pointer with length \(length)") }
    let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw CFailure(status: .argument, message: "\(what): not valid UTF-8")
    }
    return text
}

/// The dimensions at `shape`, each checked to be ≥ 0.
private func dimensions(_ shape: UnsafePointer<Int64>?, rank: Int) throws -> [Int] {
    guard rank >= 0, rank <= 64 else { throw CFailure(status: .argument, message: "shape: rank \(rank) is not in 0...64") }
    if rank == 0 { return [] }
    guard let shape else { throw CFailure(status: .argument, message: "shape: null pointer with rank \(rank)") }
    let dims = (0 ..< rank).map { shape[$0] }
    guard dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int.max) }) else {
        throw CFailure(status: .argument, message: "shape \(dims): every dimension must be >= 0")
    }
    return dims.map { Int($0) }
}

/// The scheme object given as JSON text, parsed by the spec's own parser.
private func parseScheme(_ pointer: UnsafePointer<CChar>?, length: Int) throws -> InitScheme {
    let text = try utf8(pointer, length: length, what: "scheme")
    let root: JSONValue
    do { root = try SpecDocument(Data(text.utf8), format: .json).root } catch {
        throw CFailure(status: .scheme, message: "scheme: \(error)")
    }
    do { return try SchemeJSON.scheme(from: root) } catch {
        throw CFailure(status: .scheme, message: "scheme \(root.rendered): \(error)")
    }
}

/// The resolved recipe of `scheme` for `shape`.
private func recipe(_ scheme: InitScheme, shape: [Int]) throws -> TensorRecipe {
    guard let count = TensorShape.elementCount(shape), count.multipliedReportingOverflow(by: 8).overflow == false else {
        throw CFailure(status: .argument, message: "shape \(shape): the element count overflows")
    }
    do { return try scheme.recipe(shape: shape) } catch {
        throw CFailure(status: .scheme, message: "scheme \(scheme.name) for shape \(shape): \(error)")
    }
}

@_cdecl("tensorseed_abi_version")
public func tensorseed_abi_version() -> Int32 { 1 }

@_cdecl("tensorseed_fill")
public func tensorseed_fill(_ seed: UInt64,
                            _ name: UnsafePointer<CChar>?, _ nameLength: Int,
                            _ shape: UnsafePointer<Int64>?, _ rank: Int,
                            _ scheme: UnsafePointer<CChar>?, _ schemeLength: Int,
                            _ dtype: UnsafePointer<CChar>?,
                            _ offset: UInt64, _ count: UInt64,
                            _ device: UnsafePointer<CChar>?,
                            _ buffer: UnsafeMutableRawPointer?, _ bufferBytes: Int,
                            _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) -> Int32 {
    guarded(error: error, capacity: errorCapacity) {
        let tensor = try utf8(name, length: nameLength, what: "name")
        let dims = try dimensions(shape, rank: rank)
        let resolved = try recipe(try parseScheme(scheme, length: schemeLength), shape: dims)
        guard let dtype else { throw CFailure(status: .argument, message: "dtype: null pointer") }
        let dtypeName = String(cString: dtype)
        guard let storage = StorageType(name: dtypeName) else {
            throw CFailure(status: .argument, message: "dtype \"\(dtypeName)\": use f32, f16, bf16 or f64")
        }
        let deviceName = device.map { String(cString: $0) } ?? "cpu"
        let choice: EngineChoice
        do { choice = try EngineChoice(parsing: deviceName) } catch {
            throw CFailure(status: .engine, message: "device \"\(deviceName)\": \(error)")
        }
        let elements = UInt64(TensorShape.elementCount(dims)!)
        guard offset <= elements, count <= elements - offset else {
            throw CFailure(status: .argument,
                           message: "range [\(offset), \(offset) + \(count)) is outside tensor \"\(tensor)\" of \(elements) elements")
        }
        let bytes = Int(count) * storage.byteSize
        guard bufferBytes >= bytes else {
            throw CFailure(status: .argument, message: "buffer of \(bufferBytes) bytes is smaller than \(count) × \(storage.byteSize) bytes")
        }
        if count == 0 { return }
        guard let buffer else { throw CFailure(status: .argument, message: "buffer: null pointer") }
        let cache = GeneratorCache.shared
        cache.lock.lock()
        defer { cache.lock.unlock() }
        let generator = cache.generator(seed: seed)
        do { _ = try generator.engine(choice) } catch {
            throw CFailure(status: .engine, message: "device \"\(deviceName)\": \(error)")
        }
        do {
            try generator.fill(UnsafeMutableRawBufferPointer(start: buffer, count: bytes), tensor: tensor, recipe: resolved,
                               shape: dims, offset: offset, dtype: storage, on: choice)
        } catch {
            throw CFailure(status: .fill, message: "tensor \"\(tensor)\": \(error)")
        }
    }
}

@_cdecl("tensorseed_recipe")
public func tensorseed_recipe(_ shape: UnsafePointer<Int64>?, _ rank: Int,
                              _ scheme: UnsafePointer<CChar>?, _ schemeLength: Int,
                              _ out: UnsafeMutablePointer<CChar>?, _ outCapacity: Int,
                              _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int) -> Int32 {
    guarded(error: error, capacity: errorCapacity) {
        let dims = try dimensions(shape, rank: rank)
        let resolved = try recipe(try parseScheme(scheme, length: schemeLength), shape: dims)
        let text = SchemeJSON.value(of: resolved).rendered
        guard let out, outCapacity > text.utf8.count else {
            throw CFailure(status: .argument, message: "output buffer of \(outCapacity) bytes is too small for \(text.utf8.count + 1)")
        }
        report(text, to: out, capacity: outCapacity)
    }
}
