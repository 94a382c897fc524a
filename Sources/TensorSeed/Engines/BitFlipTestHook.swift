import Foundation

/// Test hook, not a feature: with the environment variable `TENSORSEED_TEST_FLIP_BIT` set to an engine's
/// identifier (`cpu` or `opencl:P.D`), that engine flips the lowest bit of element 7 of every stream
/// wherever a fill covers it, as a faulty device would. It exists so that the tests can show
/// `tensorseed devices --check` reporting FAIL with a reproducer and a non-zero exit status on a device
/// that is made to give wrong bits (`EngineChoice.select` applies it; the OpenCL self-check, which runs
/// inside the engine, does not see the flip). Element 7 is in SPEC.md's published vectors.
///
/// Only the conformance battery (`devices --check`) and `generate` (the battery's reproducer commands) honour
/// it, each printing `warning` on stderr while it is set; `init`, `verify`, `sample` and `bench` ignore it, so a
/// stray variable can never make a model file that does not verify.
public enum BitFlipTestHook {
    /// The environment variable.
    public static let variable = "TENSORSEED_TEST_FLIP_BIT"
    /// The element whose lowest bit is flipped.
    public static let flippedIndex: UInt64 = 7

    /// The engine identifier the variable names, if set and not empty.
    static var target: String? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    /// The one-line warning for stderr while the variable is set, else nil.
    public static var warning: String? {
        target.map { "\(variable)=\($0) is set: a test hook flips the lowest bit of element \(flippedIndex) of every stream on that "
                     + "engine, so its values are wrong on purpose (unset it for real use)" }
    }

    /// `selection`, with its engine wrapped when the variable names `identifier`.
    static func apply(_ selection: EngineChoice.Selection, identifier: String) -> EngineChoice.Selection {
        guard target == identifier else { return selection }
        return EngineChoice.Selection(engine: BitFlippingEngine(base: selection.engine),
                                      reason: selection.reason + " [test hook \(variable)=\(identifier): element \(flippedIndex) has a bit flipped]")
    }
}

/// An engine whose results are `base`'s with the lowest bit of element `BitFlipTestHook.flippedIndex` flipped.
struct BitFlippingEngine: TensorEngine {
    let base: any TensorEngine

    var name: String { base.name }

    func fill(_ buffer: UnsafeMutableBufferPointer<Float>, stream: TensorStream, offset: UInt64,
              distribution: Distribution) throws {
        try base.fill(buffer, stream: stream, offset: offset, distribution: distribution)
        if let position = position(offset: offset, count: buffer.count) {
            buffer[position] = Float(bitPattern: buffer[position].bitPattern ^ 1)
        }
    }

    func fill(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, stream: TensorStream, offset: UInt64,
              distribution: Distribution) throws {
        try base.fill(destination, as: type, stream: stream, offset: offset, distribution: distribution)
        if let position = position(offset: offset, count: destination.count / type.byteSize) {
            destination[position * type.byteSize] ^= 1   // little-endian: the value's lowest bit
        }
    }

    /// Where the flipped element is in a fill of `count` elements from `offset`, if it is covered.
    private func position(offset: UInt64, count: Int) -> Int? {
        let index = BitFlipTestHook.flippedIndex
        return offset <= index && index - offset < UInt64(count) ? Int(index - offset) : nil
    }
}
