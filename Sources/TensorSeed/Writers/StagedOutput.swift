import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output files written all or nothing. Each final path gets a temporary file in its own folder
/// (`TemporaryName`: hidden, naming this process, registered with `Interruption`); `commit()` moves them
/// all onto their final paths in the order they were written (so an index written last appears last), and
/// `discard()` removes every temporary file. If a move fails, the files already moved are taken back and the
/// earlier files they replaced (with `force`) are put back, so a failed commit leaves the folder as it was.
///
/// Without `force` an existing path (a dangling symbolic link included) is never replaced: `checkAbsent`
/// refuses it before anything is generated, and the final move itself (`NoReplaceRename`) refuses a path
/// that another process created in the meantime, so of two writers of one path exactly one wins. With
/// `force` a regular file is replaced (plain `rename`), as is a symbolic link to one or to nothing (the link
/// itself, not its target); anything else (a directory, a FIFO, a device, a socket, a symbolic link to any of
/// them) is never replaced: `checkAbsent` refuses it up front, and `commit` checks again before each move.
final class StagedOutput {
    let force: Bool
    /// The temporary and final path of each file written so far.
    private(set) var files: [(temporary: String, final: String)] = []
    private var committed = false

    init(force: Bool) { self.force = force }

    /// Checks, before anything is generated, that each of `paths` can be written: it is not empty, its name fits
    /// the file system (`TemporaryName.maximumNameBytes`), it is not something other than a regular file
    /// (`checkReplaceable`), and (unless `force`) nothing exists there.
    func checkAbsent(_ paths: [String]) throws {
        for path in paths {
            guard !path.isEmpty else { throw WriterError.cannotCreate(path: "''", reason: "the output path is empty; nothing was written") }
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if name.utf8.count > TemporaryName.maximumNameBytes {
                throw WriterError.nameTooLong(path: path, bytes: name.utf8.count)
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            try StagedOutput.checkReplaceable(path)
            guard !force else { continue }
            if let target = StagedOutput.danglingTarget(path, info) { throw WriterError.danglingLink(path: path, target: target) }
            throw WriterError.exists(path: path)
        }
    }

    /// Throws unless whatever is at `path` is one that `--force` may replace: nothing, a regular file, or a
    /// symbolic link to a regular file or to nothing (replaced itself). A directory, FIFO, device or socket, or a
    /// symbolic link to one, is refused with one line saying what it is: replacing a device node such as
    /// /dev/null, or a FIFO another program reads, is never what the user meant. So is a symbolic link whose chain
    /// of links passes through /proc or /sys (/dev/stdout links to /proc/self/fd/1, /etc/mtab to
    /// ../proc/self/mounts), whatever it leads to (`SystemLinkChain`).
    static func checkReplaceable(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR { throw WriterError.isDirectory(path: path) }
        if info.st_mode & S_IFMT == S_IFLNK {
            // /dev/stdout and its like link into /proc: replacing the link itself would remove a system file.
            if let (text, place) = SystemLinkChain.intoSystemFolder(path) {
                throw WriterError.notRegularFile(path: path, kind: "a symbolic link into \(place) (to \(text), as /dev/stdout is)")
            }
            var target = stat()
            guard stat(path, &target) == 0, let kind = FileKind.irregular(target.st_mode) else { return }   // dangling, or a regular file
            throw WriterError.notRegularFile(path: path, kind: "a symbolic link to \(kind)")
        }
        if let kind = FileKind.irregular(info.st_mode) { throw WriterError.notRegularFile(path: path, kind: kind) }
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
        guard fd >= 0 else { throw WriterError.creation(errno, path: path) }
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

    /// Moves every temporary file onto its final path; on any failure, puts back what it moved: a file that
    /// replaced an earlier one (`force`) gets the earlier one back from its backup (`PreviousFile`), a new
    /// one is removed, so a failed commit leaves the folder exactly as it was.
    func commit() throws {
        let signal = Interruption.signalNumber
        if signal != 0 { throw WriterError.interrupted(path: files.last?.final ?? "", signal: signal) }
        var moved: [(final: String, previous: String?)] = []
        func rollBack() {
            for file in moved.reversed() {
                if let previous = file.previous, rename(previous, file.final) == 0 { continue }
                unlink(file.final)
            }
        }
        for file in files {
            var previous: String?
            if force {
                do { try StagedOutput.checkReplaceable(file.final) } catch {
                    rollBack()
                    throw error
                }
                previous = PreviousFile.keep(file.final)
            }
            let code = force ? (rename(file.temporary, file.final) == 0 ? 0 : errno)
                             : NoReplaceRename.move(file.temporary, to: file.final)
            guard code == 0 else {
                if let previous { unlink(previous) }
                rollBack()
                if code == EEXIST { throw WriterError.createdMeanwhile(path: file.final) }
                throw WriterError.writeFailed(path: file.final, reason: "rename: \(String(cString: strerror(code)))")
            }
            moved.append((file.final, previous))
        }
        for file in moved { if let previous = file.previous { unlink(previous) } }
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
