import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a symbolic link leads, through any number of links, relative or absolute, into the kernel's
/// pseudo-file systems /proc or /sys. /dev/stdout links to /proc/self/fd/1 and Debian's /etc/mtab to
/// ../proc/self/mounts; a link to such a link (or a relative one) is just as much a system file, so
/// `StagedOutput.checkReplaceable` refuses every link whose chain passes through one of these folders.
enum SystemLinkChain {
    /// The folders no output link may lead into.
    static let systemFolders = ["/proc", "/sys"]
    /// Linux's MAXSYMLINKS: the most links the kernel follows in one path lookup.
    static let maximumHops = 40

    /// For a symbolic link at `path` whose chain passes through /proc or /sys: the texts of the links followed
    /// (joined by " -> ") and the system folder reached; nil otherwise (not a link, a chain that stays outside them, or a
    /// dangling link outside them).
    static func intoSystemFolder(_ path: String) -> (text: String, folder: String)? {
        var current = path
        var texts: [String] = []
        for _ in 0..<maximumHops {
            guard let text = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            texts.append(text)
            let next = text.hasPrefix("/") ? text : folder(of: current) + "/" + text
            if let place = systemFolder(containing: canonical(next)) { return (texts.joined(separator: " -> "), place) }
            current = next
        }
        guard !texts.isEmpty else { return nil }
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            if let place = systemFolder(containing: String(cString: resolved)) { return (texts.joined(separator: " -> "), place) }
        }
        return nil
    }

    /// The folder part of `path` ("." for a bare name).
    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `path` with its folder resolved (links, "..", ".") where that folder exists; the last component is kept
    /// as written (it may itself be a link, followed by the next hop). A folder that does not exist is
    /// normalized by text alone.
    private static func canonical(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? ""
        let place = folder(of: path)
        if let resolved = realpath(place, nil) {
            defer { free(resolved) }
            let base = String(cString: resolved)
            if name == ".." { return (base as NSString).deletingLastPathComponent }
            if name == "." || name.isEmpty { return base }
            return base == "/" ? "/" + name : base + "/" + name
        }
        return (path as NSString).standardizingPath
    }

    /// The system folder that `path` (absolute) is or lies in, else nil.
    private static func systemFolder(containing path: String) -> String? {
        systemFolders.first { path == $0 || path.hasPrefix($0 + "/") }
    }
}
