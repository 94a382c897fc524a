import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One tensor's entry in a safetensors header: dtype name, shape, and byte range in the data section.
public struct SafetensorsEntry: Sendable, Hashable {
    public var name: String
    /// The safetensors dtype name ("F32", "BF16", ...).
    public var dtype: String
    public var shape: [Int]
    /// Byte offsets [begin, end) relative to the start of the data section.
    public var begin: Int
    public var end: Int

    /// The storage type, if it is one TensorSeed writes.
    public var storageType: StorageType? { StorageType(rawValue: dtype) }
}

/// The safetensors header (format of huggingface/safetensors): an 8-byte little-endian length N,
/// N bytes of JSON (padded with spaces to a multiple of 8) mapping each tensor name to
/// `{"dtype", "shape", "data_offsets"}` plus `"__metadata__"` (string to string), then the data.
public struct SafetensorsHeader: Sendable, Hashable {
    /// The tensors in data order.
    public var entries: [SafetensorsEntry]
    /// `__metadata__`.
    public var metadata: [JSONKey: String]

    /// A header for `entries` and `metadata`.
    public init(entries: [SafetensorsEntry], metadata: [JSONKey: String]) {
        self.entries = entries
        self.metadata = metadata
    }

    /// The byte offset of the data section in the file.
    public var dataStart: Int { 8 + jsonBytes().count }
    /// Bytes of the data section.
    public var dataSize: Int { entries.map(\.end).max() ?? 0 }

    /// The JSON text, padded with spaces to a multiple of 8 bytes.
    public func jsonBytes() -> [UInt8] {
        var root: [JSONKey: JSONValue] = [:]
        for e in entries { root[e.name] = SafetensorsHeader.value(of: e) }
        if !metadata.isEmpty { root["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        var bytes = Array(JSONValue.object(root).rendered.utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }

    /// An entry's `{"dtype", "shape", "data_offsets"}` object.
    private static func value(of e: SafetensorsEntry) -> JSONValue {
        .object(["dtype": .string(e.dtype), "shape": .array(e.shape.map { .integer(Int64($0)) }),
                 "data_offsets": .array([.integer(Int64(e.begin)), .integer(Int64(e.end))])])
    }

    /// `jsonBytes().count`, computed member by member: the length of compact JSON does not depend on the
    /// order of the members, so the whole object is neither sorted nor rendered (for 10^5 tensors that took
    /// seconds). Names are unique, as in any header read or planned.
    public var jsonLength: Int {
        func quoted(_ text: String) -> Int { JSONValue.quotedLength(text) }
        var length = 2 + max(0, entries.count + (metadata.isEmpty ? 0 : 1) - 1)   // braces and commas
        for e in entries { length += quoted(e.name) + 1 + SafetensorsHeader.value(of: e).rendered.utf8.count }
        if !metadata.isEmpty {
            length += quoted("__metadata__") + 1 + 2 + metadata.count - 1
            for (key, value) in metadata { length += quoted(key.text) + 1 + quoted(value) }
        }
        return (length + 7) / 8 * 8
    }

    /// The length prefix and the JSON: everything before the data.
    public func fileBytes() -> [UInt8] {
        let json = jsonBytes()
        var length = UInt64(json.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + json
    }

    /// The largest header safetensors reads: its `MAX_HEADER_SIZE` (huggingface/safetensors,
    /// `safetensors/src/tensor.rs`: 100_000_000 bytes of JSON after the 8-byte length). TensorSeed refuses
    /// to read longer headers and refuses to plan files whose header would be longer.
    public static let maximumHeaderBytes = 100_000_000

    /// Reads and checks the header of the file at `path` (a regular file; offsets in range, contiguous,
    /// sizes matching shapes). With `checkingData`, the data section's size must be what the header
    /// describes; without, only the 8 + N header bytes are read (a layout, for `init --like`).
    public static func read(path: String, checkingData: Bool = true) throws -> SafetensorsHeader {
        let file: InputFile.Handle
        do { file = try InputFile.open(path) } catch let error as InputFileError {
            throw SafetensorsFormatError(path: path, message: error.message)
        }
        defer { close(file.fd) }
        func read(_ count: Int, at offset: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            do { _ = try InputFile.read(file.fd, into: &bytes, count: count, at: offset, path: path) } catch let error as InputFileError {
                throw SafetensorsFormatError(path: path, message: error.message)
            }
            return bytes
        }
        guard file.size >= 8 else {
            throw SafetensorsFormatError(path: path, message: "shorter than the 8-byte header length (not a safetensors file?)")
        }
        let length = try read(8, at: 0).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length > 0, length <= UInt64(maximumHeaderBytes) else {
            throw SafetensorsFormatError(path: path, message: "header length \(length) is not plausible (not a safetensors file?): safetensors headers are 1 to \(maximumHeaderBytes) bytes")
        }
        guard Int(length) <= file.size - 8 else {
            throw SafetensorsFormatError(path: path, message: "shorter than the \(length)-byte header (not a safetensors file?)")
        }
        let json = try read(Int(length), at: 8)
        let header = try parse(json: json, path: path)
        let available = file.size - 8 - json.count
        guard !checkingData || header.dataSize == available else {
            throw SafetensorsFormatError(path: path, message: "the data section has \(available) bytes but the header describes \(header.dataSize) (truncated or damaged file)")
        }
        return header
    }

    /// Parses the JSON part of a header.
    public static func parse(json: [UInt8], path: String = "header") throws -> SafetensorsHeader {
        let root: JSONValue
        do { root = try JSONValue.parse(Data(json)) } catch { throw SafetensorsFormatError(path: path, message: "\(error)") }
        guard let members = root.object else { throw SafetensorsFormatError(path: path, message: "the header is not a JSON object") }
        var entries: [SafetensorsEntry] = []
        var metadata: [JSONKey: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                guard let fields = value.object else { throw SafetensorsFormatError(path: path, message: "__metadata__ is not an object") }
                for (k, v) in fields {
                    guard let s = v.string else { throw SafetensorsFormatError(path: path, message: "__metadata__[\(k)] is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let fields = value.object, let dtype = fields["dtype"]?.string, let dims = fields["shape"]?.array,
                  let offsets = fields["data_offsets"]?.array, offsets.count == 2,
                  let begin = offsets[0].int, let end = offsets[1].int, begin >= 0, end >= begin else {
                throw SafetensorsFormatError(path: path, message: "tensor \(PrintableText.quoted(name.text)): bad dtype, shape or data_offsets")
            }
            let shape = dims.compactMap(\.int)
            guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsFormatError(path: path, message: "tensor \(PrintableText.quoted(name.text)): shape \(fields["shape"]!.rendered) is not a list of integers >= 0")
            }
            guard TensorShape.elementCount(shape) != nil else {
                throw SafetensorsFormatError(path: path, message: "tensor \(PrintableText.quoted(name.text)): shape \(shape) has more than 2^63 - 1 elements")
            }
            if let type = StorageType(rawValue: dtype) {
                guard let bytes = TensorShape.byteCount(shape, elementSize: type.byteSize) else {
                    throw SafetensorsFormatError(path: path, message: "tensor \(PrintableText.quoted(name.text)): shape \(shape) of \(dtype) is more than 2^63 - 1 bytes")
                }
                guard bytes == end - begin else {
                    throw SafetensorsFormatError(path: path, message: "tensor \(PrintableText.quoted(name.text)): \(end - begin) bytes for shape \(shape) of \(dtype)")
                }
            }
            entries.append(SafetensorsEntry(name: name.text, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        entries.sort { ($0.begin, $0.end, JSONKey($0.name)) < ($1.begin, $1.end, JSONKey($1.name)) }
        var position = 0
        for e in entries {
            guard e.begin == position else {
                throw SafetensorsFormatError(path: path, message: "tensor \(PrintableText.quoted(e.name)) starts at \(e.begin), expected \(position): the data is not contiguous")
            }
            position = e.end
        }
        return SafetensorsHeader(entries: entries, metadata: metadata)
    }
}

/// A file that is not a well-formed safetensors file.
public struct SafetensorsFormatError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
