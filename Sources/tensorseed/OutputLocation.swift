import Foundation
import TensorSeed
#if canImport(Glibc)
import Glibc
#endif

/// Where `init` and `generate` write: the output's folder, created when missing (as `save_pretrained` and
/// `os.makedirs(exist_ok=True)` do) and removed again if the write fails, and the clean-up of temporary
/// files that dead TensorSeed processes left there.
struct OutputLocation {
    /// The path the user gave, for messages.
    let output: String
    /// The folder of the file(s) written ("" for the current one).
    let folder: String
    /// Whether the output names a folder (`ShardNames.namesFolder`): the weights are then `model.safetensors`
    /// or a sharded set in it.
    let isFolder: Bool

    /// The location of `output`; with `file`, it names a file whatever it is (`generate`).
    init(output: String, file: Bool = false) {
        self.output = output
        isFolder = !file && ShardNames.namesFolder(output)
        if isFolder {
            folder = output.count > 1 && output.hasSuffix("/") ? String(output.dropLast()) : output
        } else if let slash = output.lastIndex(of: "/") {
            folder = slash == output.startIndex ? "/" : String(output[..<slash])
        } else {
            folder = ""
        }
    }

    /// Removes the stale temporary files in the folder (`StaleTemporaries`), one line on stderr for each;
    /// returns how many.
    @discardableResult
    func removeStaleTemporaries() -> Int {
        let removed = StaleTemporaries.remove(in: folder)
        for removal in removed { printError("tensorseed: \(StaleTemporaries.describe(removal))") }
        return removed.count
    }

    /// Runs `body` with the folder and any missing parent created first (`OutputFolder.create`: a file in the
    /// way is an error naming it and the output); the folders it created are removed again (when empty) if
    /// `body` throws.
    func withFolder<T>(_ body: () throws -> T) throws -> T {
        let created = try OutputFolder.create(folder, for: output)
        do {
            return try body()
        } catch {
            OutputFolder.remove(created)
            throw error
        }
    }
}
