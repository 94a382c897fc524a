import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output files written all or nothing. Each final path gets a temporary file in its own folder
/// (`TemporaryName`: hidden, naming this process, registered with `Interruption`); `commit()` moves them
/// all onto their final paths in the order they were written (so an index written last appears last), and
/// `discard()` removes every temporary file. If a move fails, the files already moved are removed again,
/// so a failed commit leaves none of the new files behind.
///
/// Without `force` an existing path (a dangling symbolic link included) is never replaced: `checkAbsent`
/// refuses it before anything is generated, and the final move itself (`NoReplaceRename`) refuses a path
/// that another process created in the meantime, so of two writers of one path exactly one wins. With
/// `force` files are replaced (plain `rename`), but never a directory: that is refused up front too.
final class StagedOutput {
    let force: Bool
    /// The temporary and final path of each file written so far.
    private(set) var files: [(temporary: String, final: String)] = []
    private var committed = false

    init(force: Bool) { self.force = force }

    /// Checks, before anything is generated, that each of `paths` can be written: its name fits the file
    /// system (`TemporaryName.maximumNameBytes`), it is not a directory, and (unless `force`) nothing exists there.
    func checkAbsent(_ paths: [String]) throws {
        for path in paths {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if name.utf8.count > TemporaryName.maximumNameBytes {
                throw WriterError.nameTooLong(path: path, bytes: name.utf8.count)
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR { throw WriterError.isDirectory(path: path) }
            guard !force else { continue }
            if let target = StagedOutput.danglingTarget(path, info) { throw WriterError.danglingLink(path: path, target: target) }
            throw WriterError.exists(path: path)
        }
    }

    /// The target of a symbolic link at `path` that points nowhere, else nil.
    private static func danglingTarget(_ path: String, _ info: stat) -> String? {
        guard info.st_mode & S_IFMT == S_IFLNK, access(path, F_OK) != 0 else { return nil }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
    }

    /// The temporary path next to `path`.
    static func temporary(for path: String) -> String { TemporaryName.current.path(for: path) }

    /// Creates the temporary file for `path`, lets `body` write it through its descriptor, then syncs and
    /// closes it. The file stays temporary until `commit()`.
    func write(_ path: String, _ body: (Int32) throws -> Void) throws {
        let temporary = StagedOutput.temporary(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriterError.cannotCreate(path: temporary, reason: String(cString: strerror(errno))) }
        files.append((temporary, path))
        Interruption.register(temporaries: files.map(\.temporary))
        var closed = false
        defer { if !closed { close(fd) } }
        try body(fd)
        guard fsync(fd) == 0 else { throw WriterError.failure(errno, path: path) }
        closed = true
        guard close(fd) == 0 else { throw WriterError.failure(errno, path: path) }
    }

    /// Writes `bytes` as the whole file `path` (small files: an index, a config).
    func write(_ path: String, bytes: [UInt8]) throws {
        try write(path) { fd in try writeFully(fd, bytes, at: 0, path: path) }
    }

    /// Moves every temporary file onto its final path; on any failure, removes what it moved.
    func commit() throws {
        let signal = Interruption.signalNumber
        if signal != 0 { throw WriterError.interrupted(path: files.last?.final ?? "", signal: signal) }
        var moved: [String] = []
        for file in files {
            let code = force ? (rename(file.temporary, file.final) == 0 ? 0 : errno)
                             : NoReplaceRename.move(file.temporary, to: file.final)
            guard code == 0 else {
                for path in moved { unlink(path) }
                if code == EEXIST { throw WriterError.createdMeanwhile(path: file.final) }
                throw WriterError.writeFailed(path: file.final, reason: "rename: \(String(cString: strerror(code)))")
            }
            moved.append(file.final)
        }
        committed = true
        Interruption.unregister()
    }

    /// Removes every temporary file, unless committed (call it in a `defer`).
    func discard() {
        guard !committed else { return }
        for file in files { unlink(file.temporary) }
        Interruption.unregister()
    }
}
