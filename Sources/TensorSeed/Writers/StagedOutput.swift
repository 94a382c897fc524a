import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output files written all or nothing. Each final path gets a temporary file in its own folder
/// (`.NAME.tensorseed-PID.tmp`, registered with `Interruption`); `commit()` renames them all onto
/// their final paths in the order they were written (so an index written last appears last), and
/// `discard()` removes every temporary file. If a rename fails, the files already renamed are removed
/// again, so a failed commit leaves none of the new files behind. An existing file is replaced only with `force`.
final class StagedOutput {
    let force: Bool
    /// The temporary and final path of each file written so far.
    private(set) var files: [(temporary: String, final: String)] = []
    private var committed = false

    init(force: Bool) { self.force = force }

    /// Throws `.exists` for the first of `paths` that exists, unless `force`.
    func checkAbsent(_ paths: [String]) throws {
        guard !force else { return }
        if let taken = paths.first(where: { access($0, F_OK) == 0 }) { throw WriterError.exists(path: taken) }
    }

    /// The temporary path next to `path`.
    static func temporary(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tensorseed-\(getpid()).tmp").path
    }

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

    /// Renames every temporary file onto its final path; on any failure, removes what it renamed.
    func commit() throws {
        let signal = Interruption.signalNumber
        if signal != 0 { throw WriterError.interrupted(path: files.last?.final ?? "", signal: signal) }
        try checkAbsent(files.map(\.final))
        var renamed: [String] = []
        for file in files {
            guard rename(file.temporary, file.final) == 0 else {
                let reason = String(cString: strerror(errno))
                for path in renamed { unlink(path) }
                throw WriterError.writeFailed(path: file.final, reason: "rename: \(reason)")
            }
            renamed.append(file.final)
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
