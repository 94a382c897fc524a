#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Moves a finished temporary file onto its final name in one step that never replaces an existing file,
/// so that of two writers of one path exactly one wins, whatever the timing (a check before a plain
/// `rename(2)` leaves a window in which both pass it).
///
/// Linux's `renameat2(2)` with `RENAME_NOREPLACE` (kernel 3.15, glibc 2.28) does it in one call; Swift's
/// Glibc module does not declare it (it needs `_GNU_SOURCE`), so it is looked up by name in the C library.
/// Where it is missing, or the file system refuses the flag (EINVAL; some network file systems), a hard
/// `link(2)`, which fails with EEXIST when the name is taken, then `unlink(2)` of the temporary name does
/// the same. Where the file system has no hard links either (EPERM, ENOTSUP: FAT, some FUSE), an empty
/// placeholder created with `O_CREAT | O_EXCL` claims the name, and `rename(2)` then replaces only it.
public enum NoReplaceRename {
    /// How the move is made; `move` tries them in this order.
    public enum Method: CaseIterable, Sendable {
        case renameat2, link, placeholder
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// `renameat2` from the C library, if present.
    private static let renameat2: RenameAt2? = CLibrarySymbol.lookup("renameat2", as: RenameAt2.self)

    /// `RENAME_NOREPLACE` (linux/fs.h; stable kernel ABI). `AT_FDCWD` is -100 on Linux.
    private static let renameNoReplace: UInt32 = 1, atCurrentFolder: Int32 = -100

    /// Moves `source` to `destination` unless `destination` exists (as anything, a dangling symbolic link
    /// included); returns 0, or the `errno` of the failure (EEXIST when the name is taken). `methods`
    /// limits the ways tried (tests use it to exercise the fallbacks).
    public static func move(_ source: String, to destination: String, methods: [Method] = Method.allCases) -> Int32 {
        var last = ENOTSUP
        for method in methods {
            let result = attempt(method, source, destination)
            // EEXIST is the answer; anything but "this way is not supported here" is a real failure.
            guard result != 0, unsupported(result) else { return result }
            last = result
        }
        return last
    }

    private static func unsupported(_ code: Int32) -> Bool {
        code == EINVAL || code == ENOSYS || code == ENOTSUP || code == EOPNOTSUPP || code == EPERM
    }

    private static func attempt(_ method: Method, _ source: String, _ destination: String) -> Int32 {
        switch method {
        case .renameat2:
            guard let renameat2 else { return ENOSYS }
            return renameat2(atCurrentFolder, source, atCurrentFolder, destination, renameNoReplace) == 0 ? 0 : errno
        case .link:
            guard link(source, destination) == 0 else { return errno }
            unlink(source)
            return 0
        case .placeholder:
            let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return errno }
            close(fd)
            guard rename(source, destination) == 0 else {
                let code = errno
                unlink(destination)
                return code
            }
            return 0
        }
    }
}
