import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opening the files TensorSeed reads (specs, configs, safetensors headers, indexes), all untrusted:
/// only regular files (a symlink is followed to one), so a FIFO cannot make a read block forever and a
/// directory or device is refused with one line saying what it is instead of a misleading parse error.
public enum InputFile {
    /// An open regular file: its descriptor (close it) and its size in bytes.
    public struct Handle {
        public let fd: Int32
        public let size: Int
    }

    /// Opens `path` read-only, refusing anything that is not a regular file. The type is checked before
    /// opening (a FIFO is never opened) and again on the open descriptor (the path may have changed),
    /// which is opened non-blocking so that even a FIFO swapped in between cannot block.
    public static func open(_ path: String) throws -> Handle {
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputFileError(path: path, message: reason(errno)) }
        try requireRegular(info, path: path)
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw InputFileError(path: path, message: reason(errno)) }
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw InputFileError(path: path, message: reason(code))
        }
        do { try requireRegular(info, path: path) } catch {
            close(fd)
            throw error
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return Handle(fd: fd, size: Int(info.st_size))
    }

    /// The whole file at `path`, which must be a regular file of at most `limit` bytes (`what` names the
    /// kind of file and why it is limited in the error, e.g. "a spec file").
    public static func contents(_ path: String, limit: Int, what: String) throws -> Data {
        let file = try open(path)
        defer { close(file.fd) }
        guard file.size <= limit else {
            throw InputFileError(path: path, message: "\(what) of \(file.size) bytes is over the limit of \(limit) bytes")
        }
        // Read one byte past the size seen, so that a file growing meanwhile is caught, not truncated.
        var bytes = [UInt8](repeating: 0, count: file.size + 1)
        let got = try read(file.fd, into: &bytes, count: bytes.count, at: 0, path: path)
        guard got <= limit else {
            throw InputFileError(path: path, message: "\(what) is over the limit of \(limit) bytes")
        }
        return Data(bytes[0..<got])
    }

    /// Reads up to `count` bytes at `offset` into `buffer`, retrying short reads and EINTR; returns the
    /// bytes read (fewer only at the end of the file).
    public static func read(_ fd: Int32, into buffer: inout [UInt8], count: Int, at offset: Int, path: String) throws -> Int {
        var got = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset + got)) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw InputFileError(path: path, message: "cannot read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            got += n
        }
        return got
    }

    private static func requireRegular(_ info: stat, path: String) throws {
        guard let kind = FileKind.irregular(info.st_mode) else { return }
        throw InputFileError(path: path, message: "is \(kind), not a regular file")
    }

    private static func reason(_ code: Int32) -> String {
        code == ENOENT ? "no such file" : "cannot open: \(String(cString: strerror(code)))"
    }
}

/// A file that cannot be read as an input: one line naming the file and why.
public struct InputFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
