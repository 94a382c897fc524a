import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The name of a temporary output file, and who wrote it: `.NAME.tensorseed-HOST-PID-START.tmp` in the
/// final file's folder, where HOST is 8 hex digits of the host name's FNV-1a, PID the writing process and
/// START 8 hex digits of the FNV-1a of its start: the boot id and the process's start time in clock ticks
/// (`/proc/PID/stat` field 22). A later run on the same host can so tell a temporary file of a dead process
/// (no process PID, or one that started at another time: the pid was reused) from one still being written,
/// and leaves files of other hosts alone (a shared network folder: their processes cannot be seen here).
///
/// The name stays within `maximumNameBytes` (NAME_MAX): a NAME too long for the decoration is cut at a
/// character boundary and followed by `~` and 8 hex digits of its full FNV-1a, so that the files of one
/// sharded set, whose names differ only near their ends, keep distinct temporary names.
public struct TemporaryName: Sendable, Hashable {
    /// Linux's NAME_MAX: the most bytes of one path component on ext4, XFS, Btrfs, tmpfs and NFS.
    public static let maximumNameBytes = 255
    /// The marker between the final name and the owner.
    static let marker = ".tensorseed-"
    static let suffix = ".tmp"

    /// 8 hex digits of the host name's FNV-1a.
    public var host: String
    public var pid: Int32
    /// 8 hex digits of the FNV-1a of the boot id and the process's start time.
    public var start: String

    /// This process.
    public static let current = TemporaryName(host: hostTag(), pid: getpid(), start: startTag(of: getpid()) ?? "00000000")

    /// The temporary file name for a file named `name` (a single path component).
    public func fileName(for name: String) -> String {
        let decoration = "\(TemporaryName.marker)\(host)-\(pid)-\(start)\(TemporaryName.suffix)"
        let room = TemporaryName.maximumNameBytes - 1 - decoration.utf8.count
        var kept = name
        if name.utf8.count > room {
            let hash = TemporaryName.hex(StreamID.of(name))
            kept = TemporaryName.prefix(of: name, bytes: room - 1 - hash.count) + "~" + hash
        }
        return "." + kept + decoration
    }

    /// The temporary path for the file at `path`, in the same folder.
    public func path(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let name = String(slash.map { path[path.index(after: $0)...] } ?? path[...])
        let folder = slash.map { String(path[...$0]) } ?? ""
        return folder + fileName(for: name)
    }

    /// The owner recorded in a temporary file name, or nil if `fileName` is not one.
    public static func owner(of fileName: String) -> TemporaryName? {
        guard fileName.hasPrefix("."), fileName.hasSuffix(suffix), let at = fileName.range(of: marker, options: .backwards) else { return nil }
        let parts = fileName[at.upperBound..<fileName.index(fileName.endIndex, offsetBy: -suffix.count)].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let pid = Int32(parts[1]), pid > 0,
              isHex8(parts[0]), isHex8(parts[2]) else { return nil }
        return TemporaryName(host: String(parts[0]), pid: pid, start: String(parts[2]))
    }

    /// Whether the owner is a process of this host that is no longer running: none has its pid, or the
    /// one that has it started at another time. Files of other hosts are never stale here.
    public var isDeadOnThisHost: Bool {
        guard host == TemporaryName.current.host else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let now = TemporaryName.startTag(of: pid) else { return false }   // alive, start unreadable: keep
        return now != start
    }

    /// 8 hex digits of the host name's FNV-1a.
    static func hostTag() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return hex(StreamID.of(String(cString: buffer)))
    }

    /// 8 hex digits of the FNV-1a of the boot id and the start time of process `pid`; nil where it cannot be read.
    static func startTag(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let paren = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)" come fields 3, 4, ...: the start time, field 22, is the 20th of them.
        let fields = stat[stat.index(after: paren)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? ""
        return hex(StreamID.of(boot.trimmingCharacters(in: .whitespacesAndNewlines) + ":" + fields[19]))
    }

    /// The low 32 bits of `hash` as 8 lowercase hex digits.
    static func hex(_ hash: UInt64) -> String {
        let digits = String(hash & 0xFFFF_FFFF, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func isHex8(_ text: Substring) -> Bool {
        text.utf8.count == 8 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The longest prefix of `text` of at most `bytes` UTF-8 bytes that ends at a character boundary.
    static func prefix(of text: String, bytes: Int) -> String {
        var out = "", used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= bytes else { break }
            out.append(character)
            used += size
        }
        return out
    }
}
