#if canImport(Glibc)
import Glibc
#endif

/// The command line as bytes. Swift decodes `argv` with repair: an invalid UTF-8 byte silently becomes
/// U+FFFD, so two different byte names would share one stream and a path would name another file.
/// A tensor name is its UTF-8 bytes (SPEC.md section 3), so an argument that is not UTF-8 is refused.
enum ArgumentBytes {
    /// The one-line refusal of the first argument that is not valid UTF-8, or nil if all are.
    static func firstInvalid() -> String? {
        for i in 1 ..< Int(CommandLine.argc) {
            guard let argument = CommandLine.unsafeArgv[i] else { continue }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self), count: strlen(argument))
            guard String(validating: bytes, as: UTF8.self) == nil else { continue }
            var offset = 0
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            while case let .scalarValue(scalar) = decoder.decode(&iterator) { offset += UTF8.width(scalar) }
            let hex = String(bytes[offset], radix: 16)
            return "argument \(i) is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex) at byte \(offset)): tensor names, paths "
                + "and values must be UTF-8 text (a tensor name is its UTF-8 bytes, SPEC.md section 3)"
        }
        return nil
    }
}
