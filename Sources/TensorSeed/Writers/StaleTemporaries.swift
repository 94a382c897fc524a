import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Temporary output files left behind by TensorSeed processes that died without cleaning up (SIGKILL,
/// a power cut, an out-of-memory kill): hidden files named by `TemporaryName` whose process, on this host,
/// is no longer running. A write reserves its whole file up front, so each such file can hold gigabytes.
/// Files of running processes, of other hosts and of any other name are never touched.
public enum StaleTemporaries {
    /// A removed file.
    public struct Removal: Sendable, Hashable {
        public var path: String
        public var bytes: Int
        /// The dead process that wrote it.
        public var pid: Int32
    }

    /// Removes the stale temporary files in `folder` ("" or "." for the current one) and says which.
    /// A folder that cannot be read has none.
    @discardableResult
    public static func remove(in folder: String) -> [Removal] {
        let place = folder.isEmpty ? "." : folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: place) else { return [] }
        var removed: [Removal] = []
        for name in names.sorted() {
            guard let owner = TemporaryName.owner(of: name), owner.isDeadOnThisHost else { continue }
            let path = folder.isEmpty ? name : (folder.hasSuffix("/") ? folder + name : folder + "/" + name)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, unlink(path) == 0 else { continue }
            removed.append(Removal(path: path, bytes: Int(info.st_blocks) * 512, pid: owner.pid))
        }
        return removed
    }

    /// One line for a removed file, e.g. "removed out/.model.safetensors.tensorseed-…tmp (1.2 GB on disk),
    /// a temporary file of process 4242, which is no longer running".
    public static func describe(_ removal: Removal) -> String {
        "removed \(removal.path) (\(removal.bytes) bytes on disk), a temporary file left by process \(removal.pid), which is no longer running"
    }
}
