import Dispatch
import Foundation

/// NumPy's `.npy` format, version 1.0: the magic `\x93NUMPY`, version bytes 1 and 0, the header's
/// length as a little-endian UInt16, then the header, a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by a
/// newline so that the data starts at a multiple of 64 bytes; then the data, C order, little-endian.
public enum NpyFormat {
    /// The magic string at the start of every .npy file.
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The NumPy dtype string of `type`; nil for bfloat16, which NumPy has no dtype for.
    public static func descr(_ type: StorageType) -> String? {
        switch type {
        case .float16: return "<f2"
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .bfloat16: return nil
        }
    }

    /// Python's repr of a shape tuple: `()`, `(5,)`, `(3, 4)`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Everything before the data: magic, version, length and padded header (a multiple of 64 bytes),
    /// byte for byte what `numpy.save` writes: the dict, spare spaces for the first axis to grow to 21
    /// digits, then spaces to 64-byte alignment (64 of them when already aligned, as NumPy does) and a newline.
    public static func header(descr: String, shape: [Int]) -> [UInt8] {
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText(shape)), }".utf8)
        if let first = shape.first { dict += [UInt8](repeating: 0x20, count: max(0, 21 - String(first).count)) }
        let fixed = magic.count + 2 + 2
        dict += [UInt8](repeating: 0x20, count: 64 - (fixed + dict.count + 1) % 64) + [0x0A]
        precondition(dict.count <= Int(UInt16.max), "an .npy v1.0 header is at most 65535 bytes")
        return magic + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict
    }

    /// The parsed header of a version 1.0 file: dtype string, Fortran order, shape, and data offset.
    public struct Header: Sendable, Hashable {
        public var descr: String
        public var fortranOrder: Bool
        public var shape: [Int]
        public var dataStart: Int
    }

    /// Parses the header of `bytes` (the start of an .npy file, version 1.0, as NumPy writes it).
    public static func parse(_ bytes: [UInt8]) -> Header? {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic, bytes[6] == 1, bytes[7] == 0 else { return nil }
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        guard bytes.count >= 10 + length, let text = String(bytes: bytes[10..<(10 + length)], encoding: .ascii) else { return nil }
        func field(_ key: String, until end: Character) -> Substring? {
            guard let range = text.range(of: "'\(key)': ") else { return nil }
            let rest = text[range.upperBound...]
            guard let stop = rest.firstIndex(of: end) else { return nil }
            return rest[..<stop]
        }
        guard let descr = field("descr", until: ","), let fortran = field("fortran_order", until: ","),
              let shape = field("shape", until: ")"), descr.hasPrefix("'"), descr.hasSuffix("'"), shape.hasPrefix("(") else { return nil }
        let dims = shape.dropFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let values = dims.compactMap { Int($0) }
        guard values.count == dims.count else { return nil }
        return Header(descr: String(descr.dropFirst().dropLast()), fortranOrder: fortran == "True", shape: values, dataStart: 10 + length)
    }
}

extension SafetensorsWriter {
    /// Writes the one tensor of `plan` as a NumPy .npy file (version 1.0), streamed and atomic like
    /// `write(_:to:)`. A plan with more than one tensor, or a bfloat16 tensor, is `WriterError.unsupported`.
    public func writeNpy(_ plan: ModelPlan, to path: String,
                         progress: ((_ written: Int, _ total: Int) -> Void)? = nil) throws -> WriteSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        guard plan.tensors.count == 1, let job = plan.tensors.first else {
            throw WriterError.unsupported(path: path, reason: ".npy holds one tensor and the model has \(plan.tensors.count); write a .safetensors file instead")
        }
        guard let descr = NpyFormat.descr(job.dtype) else {
            throw WriterError.unsupported(path: path, reason: "NumPy has no bfloat16 dtype, so \"\(job.name)\" (BF16) cannot be an .npy file; use --dtype f32/f16/f64, or write a .safetensors file")
        }
        let output = StagedOutput(force: force)
        defer { output.discard() }
        try output.checkAbsent([path])
        let generator = TensorGenerator(seed: plan.seed, threads: threads, selfCheck: selfCheck)
        let selection = try generator.engine(engine)
        let header = NpyFormat.header(descr: descr, shape: job.shape)
        let total = header.count + job.byteCount
        try output.write(path) { fd in
            _ = try stream([job], after: header, fd: fd, path: path, generator: generator) { progress?($0, total) }
        }
        try output.commit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return WriteSummary(path: path, files: [path], tensors: 1, parameters: job.elementCount, fileBytes: total,
                            seconds: seconds, engine: selection.engine.name, engineReason: selection.reason)
    }
}
