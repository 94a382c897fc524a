#if canImport(Glibc)
import Glibc
#endif

/// A file of little-endian float32 values (or values of any storage type) after an optional header (NumPy's, for `.npy`), streamed in
/// whatever pieces the producer emits and written all or nothing through `StagedOutput`: the whole file
/// is reserved first (a disk too small fails at once), and an error, a full disk or a signal (with
/// `Interruption`'s handlers installed) leaves no file. An existing file is replaced only with `force`
/// (as `SafetensorsWriter` does: refused before anything is generated, and never by a race).
public enum RawFloatFile {
    /// Writes `header` and then the `elements` values `produce` passes to `emit`, in order, to `path`.
    public static func write(to path: String, header: [UInt8] = [], elements: Int, force: Bool = false,
                             _ produce: (_ emit: ([Float]) throws -> Void) throws -> Void) throws {
        try write(to: path, header: header, elements: elements, bytesPerElement: MemoryLayout<Float>.size, force: force) { emitBytes in
            try withoutActuallyEscaping(emitBytes) { emitBytes in
                try produce { values in try values.withUnsafeBytes { try emitBytes($0) } }
            }
        }
    }

    /// Writes `header` and then the bytes of `elements` values of `bytesPerElement` bytes each (any storage
    /// type, already little-endian) that `produce` passes to `emit`, in order, to `path`.
    public static func write(to path: String, header: [UInt8] = [], elements: Int, bytesPerElement: Int, force: Bool = false,
                             _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let output = StagedOutput(force: force)
        defer { output.discard() }
        try output.checkAbsent([path])
        try output.write(path) { fd in
            let (data, overflow) = elements.multipliedReportingOverflow(by: bytesPerElement)
            let total = data.addingReportingOverflow(header.count)
            if overflow || total.overflow { throw WriterError.diskFull(path: path, bytes: Int.max) }
            try FileReservation.reserve(fd, bytes: total.partialValue, path: path)
            try writeFully(fd, header, at: 0, path: path)
            var position = header.count
            try produce { bytes in
                let signal = Interruption.signalNumber
                if signal != 0 { throw WriterError.interrupted(path: path, signal: signal) }
                try writeFully(fd, bytes, at: position, path: path)
                position += bytes.count
            }
        }
        try output.commit()
    }
}
