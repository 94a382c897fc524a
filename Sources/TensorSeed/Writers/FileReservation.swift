import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reserving a file's whole length before streaming into it, so that a full disk is found before any
/// generation rather than after minutes of it.
///
/// On a disk file system `posix_fallocate` reserves extents without touching data: cheap, and it keeps a
/// large file contiguous. On a memory-backed one (tmpfs, as `/dev/shm`; ramfs) it allocates and clears every
/// page of the file, serially, before the first value is generated: for a 2.2 GB file that is most of a
/// second of one core with the generator cores idle (and more on a virtual machine whose memory is backed on
/// first touch). There the free space is checked instead, and the pages are allocated by the writes
/// themselves, while generation runs.
enum FileReservation {
    /// `TMPFS_MAGIC` and `RAMFS_MAGIC` (linux/magic.h; stable kernel ABI): `statfs.f_type` of memory-backed file systems.
    static let memoryBackedTypes: Set<Int> = [0x0102_1994, 0x8584_58F6]

    /// Reserves `bytes` for the open file `fd` (at `path`, for messages); throws `WriterError.diskFull` or
    /// `.noRoom` when they cannot fit. Any other `posix_fallocate` failure (a file system without it) is ignored.
    static func reserve(_ fd: Int32, bytes: Int, path: String) throws {
        if isMemoryBacked(fd) {
            return try FreeSpace.check(bytes, in: URL(fileURLWithPath: path).deletingLastPathComponent().path, for: path)
        }
        let reserve = posix_fallocate(fd, 0, off_t(bytes))
        if reserve == ENOSPC || reserve == EFBIG { throw WriterError.diskFull(path: path, bytes: bytes) }
    }

    /// Whether the file `fd` lives in memory (tmpfs or ramfs); false where that cannot be told.
    static func isMemoryBacked(_ fd: Int32) -> Bool {
        guard let fstatfs else { return false }
        // `struct statfs` (sys/vfs.h, which Swift's Glibc module does not import) begins with `f_type`, a `long`
        // on every Linux ABI; 512 bytes hold the whole structure everywhere (120 on x86-64 and arm64).
        return withUnsafeTemporaryAllocation(byteCount: 512, alignment: 16) { info in
            guard fstatfs(fd, info.baseAddress!) == 0 else { return false }
            return memoryBackedTypes.contains(info.load(as: CLong.self))
        }
    }

    private typealias FStatFS = @convention(c) (Int32, UnsafeMutableRawPointer) -> Int32

    /// `fstatfs` from the C library, if present (Linux).
    private static let fstatfs: FStatFS? = CLibrarySymbol.lookup("fstatfs", as: FStatFS.self)
}
