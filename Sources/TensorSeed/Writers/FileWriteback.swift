#if canImport(Glibc)
import Glibc
#endif

/// Starts the disk write of a file's pages as soon as they are written, so that writing to disk overlaps
/// generation instead of all happening in the final `fsync` (with gigabytes of RAM, Linux starts background
/// writeback only once `dirty_background_ratio`, 10 % of memory by default, is dirty), and keeps the page
/// cache from filling with model data.
///
/// Linux's `sync_file_range(2)` does this; Swift's Glibc module does not declare it (it needs `_GNU_SOURCE`),
/// so it is looked up by name in the C library. Where it is missing, `posix_fadvise(POSIX_FADV_DONTNEED)`,
/// which on Linux also starts the writeback of dirty pages, stands in. Both are advice: their errors are
/// ignored, and the final `fsync` reports any write error.
enum FileWriteback {
    private typealias SyncFileRange = @convention(c) (Int32, off_t, off_t, UInt32) -> Int32

    /// `sync_file_range` from the C library, if present.
    private static let syncFileRange: SyncFileRange? = CLibrarySymbol.lookup("sync_file_range", as: SyncFileRange.self)

    /// `SYNC_FILE_RANGE_WAIT_BEFORE`, `_WRITE`, `_WAIT_AFTER` (linux/fs.h; stable kernel ABI).
    private static let waitBefore: UInt32 = 1, write: UInt32 = 2, waitAfter: UInt32 = 4

    /// Starts writing the dirty pages of `fd` in `offset ..< offset + length` to disk, without waiting.
    static func start(_ fd: Int32, offset: Int, length: Int) {
        if let syncFileRange {
            _ = syncFileRange(fd, off_t(offset), off_t(length), write)
        } else {
            _ = posix_fadvise(fd, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
        }
    }

    /// Waits until the pages in the range are on disk, then drops them from the page cache.
    static func finish(_ fd: Int32, offset: Int, length: Int) {
        if let syncFileRange {
            _ = syncFileRange(fd, off_t(offset), off_t(length), waitBefore | write | waitAfter)
        }
        _ = posix_fadvise(fd, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
    }
}
