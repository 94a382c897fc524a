#if canImport(Glibc)
import Glibc
#endif

/// What kind of file a `stat` mode names, in words for one-line messages: TensorSeed reads and replaces only
/// regular files, and says what else it found ("a FIFO (named pipe)", "a character device", ...).
enum FileKind {
    /// The kind of file of `mode` (`st_mode`) in words, or nil for a regular file.
    static func irregular(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// The kind of file of `mode` in words, or nil for a directory.
    static func notFolder(_ mode: mode_t) -> String? {
        mode & S_IFMT == S_IFDIR ? nil : irregular(mode) ?? "a regular file"
    }
}
