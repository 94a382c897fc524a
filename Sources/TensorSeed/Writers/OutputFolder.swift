#if canImport(Glibc)
import Glibc
#endif

/// The folders on the way to an output file: made when missing (as `os.makedirs(exist_ok=True)` and
/// `save_pretrained` do) and, when one is in the way or missing, named in the error with the path the user gave.
public enum OutputFolder {
    /// `folder` and the folders above it, outermost first: "a/b" gives "a", "a/b"; "/x/y" gives "/x", "/x/y";
    /// "" and "/" give none.
    static func chain(_ folder: String) -> [String] {
        let absolute = folder.hasPrefix("/")
        var prefix = absolute ? "/" : ""
        var out: [String] = []
        for part in folder.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + part
            out.append(prefix)
        }
        return out
    }

    /// The folder holding `path` ("" for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Why `path` cannot be created in its folder: the first folder above it that is missing or is not a
    /// folder, e.g. "the folder a/b does not exist" or "a is a regular file, not a folder"; nil if none is.
    static func problem(above path: String) -> String? {
        for folder in chain(parent(of: path)) {
            var info = stat()
            guard stat(folder, &info) == 0 else {
                return errno == ENOENT ? "the folder \(folder) does not exist" : "\(folder): \(String(cString: strerror(errno)))"
            }
            if let kind = FileKind.notFolder(info.st_mode) { return "\(folder) is \(kind), not a folder" }
        }
        return nil
    }

    /// Makes `folder` and any missing folder above it; returns those it made, outermost first (`remove` them if
    /// the write fails). A folder in the way that is a file (or any other non-folder) is an error naming it and
    /// `output`, the path the user gave; nothing made is left then.
    public static func create(_ folder: String, for output: String) throws -> [String] {
        var created: [String] = []
        for path in chain(folder) {
            var info = stat()
            if stat(path, &info) != 0 {
                guard errno == ENOENT else { return try fail(created, output, "\(path): \(String(cString: strerror(errno)))") }
                if mkdir(path, 0o755) == 0 { created.append(path); continue }
                // EEXIST: another process made it meanwhile (checked below like any existing path).
                guard errno == EEXIST, stat(path, &info) == 0 else {
                    return try fail(created, output, "cannot create the folder \(path): \(String(cString: strerror(errno)))")
                }
            }
            if let kind = FileKind.notFolder(info.st_mode) {
                return try fail(created, output, "\(path) is \(kind), not a folder")
            }
        }
        return created
    }

    /// Removes the folders `create` made (innermost first), those that are still empty.
    public static func remove(_ created: [String]) {
        for path in created.reversed() { rmdir(path) }
    }

    private static func fail(_ created: [String], _ output: String, _ reason: String) throws -> [String] {
        remove(created)
        throw WriterError.cannotCreate(path: output, reason: reason + "; nothing was written")
    }
}

extension WriterError {
    /// The error for an output file that could not be created at `path` (its temporary file beside it, with
    /// `errno` `code`): it names `path`, the path the user gave, never the hidden temporary name, and for a
    /// missing folder or a file in the way, which one (`OutputFolder.problem`).
    static func creation(_ code: Int32, path: String) -> WriterError {
        if code == ENOENT || code == ENOTDIR, let problem = OutputFolder.problem(above: path) {
            return .cannotCreate(path: path, reason: problem)
        }
        if code == ENOSPC || code == EDQUOT { return .diskFull(path: path, bytes: 0) }
        return .cannotCreate(path: path, reason: String(cString: strerror(code)))
    }
}
