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
        for e in entries {
            root[e.name] = .object(["dtype": .string(e.dtype), "shape": .array(e.shape.map { .integer(Int64($0)) }),
                                    "data_offsets": .array([.integer(Int64(e.begin)), .integer(Int64(e.end))])])
        }
        if !metadata.isEmpty { root["__metadata__"] = .object(metadata.mapValues { .string($0) }) }
        var bytes = Array(JSONValue.object(root).rendered.utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        return bytes
    }

    /// The length prefix and the JSON: everything before the data.
    public func fileBytes() -> [UInt8] {
        let json = jsonBytes()
        var length = UInt64(json.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + json
    }

    /// Reads and checks the header of the file at `path` (offsets in range, contiguous, sizes matching shapes).
    public static func read(path: String) throws -> SafetensorsHeader {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw SafetensorsFormatError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var lengthBytes = [UInt8](repeating: 0, count: 8)
        guard pread(fd, &lengthBytes, 8, 0) == 8 else { throw SafetensorsFormatError(path: path, message: "shorter than the 8-byte header length") }
        let length = lengthBytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard length > 0, length <= 100 << 20 else { throw SafetensorsFormatError(path: path, message: "header length \(length) is not plausible (not a safetensors file?)") }
        var json = [UInt8](repeating: 0, count: Int(length))
        guard pread(fd, &json, json.count, 8) == json.count else { throw SafetensorsFormatError(path: path, message: "the header is truncated") }
        var stats = stat()
        guard fstat(fd, &stats) == 0 else { throw SafetensorsFormatError(path: path, message: "cannot stat") }
        let header = try parse(json: json, path: path)
        let available = Int(stats.st_size) - 8 - json.count
        guard header.dataSize == available else {
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
                throw SafetensorsFormatError(path: path, message: "tensor \"\(name)\": bad dtype, shape or data_offsets")
            }
            let shape = dims.compactMap(\.int)
            guard shape.count == dims.count, let count = TensorShape.elementCount(shape) else {
                throw SafetensorsFormatError(path: path, message: "tensor \"\(name)\": bad shape")
            }
            if let type = StorageType(rawValue: dtype), count * type.byteSize != end - begin {
                throw SafetensorsFormatError(path: path, message: "tensor \"\(name)\": \(end - begin) bytes for shape \(shape) of \(dtype)")
            }
            entries.append(SafetensorsEntry(name: name.text, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        entries.sort { ($0.begin, $0.end, JSONKey($0.name)) < ($1.begin, $1.end, JSONKey($1.name)) }
        var position = 0
        for e in entries {
            guard e.begin == position else {
                throw SafetensorsFormatError(path: path, message: "tensor \"\(e.name)\" starts at \(e.begin), expected \(position): the data is not contiguous")
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
