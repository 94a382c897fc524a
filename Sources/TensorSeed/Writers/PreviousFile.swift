import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A backup of a file that `StagedOutput.commit` is about to replace: a hard link to it under a temporary
/// name in the same folder (`TemporaryName` of "NAME.previous", so a process killed before it could remove
/// it leaves a file `StaleTemporaries` recognizes). Should a later move of the same commit fail, the backup
/// is renamed back over the final name and the earlier set is exactly as it was; once every move has
/// succeeded the backups are unlinked. A hard link copies nothing, whatever the file's size.
enum PreviousFile {
    /// Makes the backup of whatever is at `path` (a regular file, or a symbolic link itself) and returns its
    /// path; nil when nothing is there or the file system does not support hard links (then a failed commit
    /// can only remove the new file, as before).
    static func keep(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let backup = TemporaryName.current.path(for: path + ".previous")
        unlink(backup)   // a leftover of this very process (its name holds our pid and start time)
        guard linkat(AT_FDCWD, path, AT_FDCWD, backup, 0) == 0 else { return nil }
        return backup
    }
}
