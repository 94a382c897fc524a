#if canImport(Glibc)
import Glibc
#endif

/// The free space of a file system, checked before a write that reserves its files one at a time (a
/// sharded set): without it a set larger than the disk would be written until the disk filled.
enum FreeSpace {
    /// The bytes available in the file system holding a folder: `statvfsAvailable`, or a small disk a test stands in.
    nonisolated(unsafe) static var available: (_ folder: String) -> Int? = statvfsAvailable

    /// The bytes an unprivileged process may still write in the file system holding `folder` (`statvfs`'s
    /// `f_bavail · f_frsize`), or nil where it cannot be told (no such folder; a file system reporting no size).
    static func statvfsAvailable(_ folder: String) -> Int? {
        var info = statvfs()
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0, info.f_blocks > 0 else { return nil }
        let (bytes, overflow) = Int(clamping: info.f_bavail).multipliedReportingOverflow(by: Int(clamping: info.f_frsize))
        return overflow ? Int.max : bytes
    }

    /// Throws `WriterError.noRoom` naming `what` when `bytes` exceed the space available in `folder`.
    static func check(_ bytes: Int, in folder: String, for what: String) throws {
        guard let available = available(folder), bytes > available else { return }
        throw WriterError.noRoom(path: what, bytes: bytes, available: available)
    }
}
