import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The small hidden file `.NAME.safetensors.tensorseed-job` that the ranks of one job share while they
/// write a sharded set into a folder: the plan's fingerprint and the world size, placed by the first rank
/// (no-replace rename, so of ranks starting together exactly one places it) and compared by every other.
/// A rank with another world size, or another job writing the same set name into the folder, stops with one
/// line before it writes anything. The rank that completes the set removes it, so the finished folder holds
/// the same files as a one-process run.
struct RankJobFile {
    /// The file's path.
    let path: String
    /// The fingerprint of everything the job writes (`fingerprint(of:companions:)`).
    let plan: String
    /// The job's number of ranks.
    let worldSize: Int

    init(names: ShardNames, plan: String, worldSize: Int) {
        path = names.path("." + names.base + ".tensorseed-job")
        self.plan = plan
        self.worldSize = worldSize
    }

    /// The fingerprint of a set: FNV-1a-64 (`TensorDigest`) over its file names, every shard's header (with
    /// placeholder digests), the index and the companion files.
    static func fingerprint(of layout: ShardedSetLayout, companions: [(name: String, bytes: [UInt8])]) -> String {
        var digest = TensorDigest()
        func feed(_ bytes: [UInt8]) { bytes.withUnsafeBytes { digest.update($0) } }
        for (shard, file) in zip(layout.shards, layout.files) {
            feed(Array(file.utf8))
            feed(SafetensorsWriter.header(shard).fileBytes())
        }
        if layout.withIndex { feed(layout.indexBytes) }
        for companion in companions { feed(Array(companion.name.utf8)); feed(companion.bytes) }
        return digest.text
    }

    /// The file's text.
    var text: String { "tensorseed job\nplan \(plan)\nworld_size \(worldSize)\n" }

    /// Places the file, or checks the one there against this rank's job.
    func register(force: Bool) throws {
        if let found = try SmallFile.read(path) { return try compare(found) }
        do {
            try SmallFile.place(Array(text.utf8), at: path)
        } catch WriterError.createdMeanwhile {
            guard let found = try SmallFile.read(path) else { return try register(force: force) }
            try compare(found)
        }
    }

    /// Removes the file (the set is complete).
    func remove() { unlink(path) }

    private func compare(_ found: [UInt8]) throws {
        var fields: [String: String] = [:]
        for line in String(decoding: found, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let otherPlan = fields["plan"], let otherSize = fields["world_size"].flatMap({ Int($0) }) else {
            throw RankError("\(path) is not a TensorSeed job file; nothing was written (remove it if no job is writing into \(folderName))")
        }
        guard otherPlan == plan else {
            throw RankError("\(folderName) is being written by another job (a different model, seed, dtype or shard size: plan \(otherPlan), "
                            + "this job's \(plan)); nothing was written (use another folder, or remove \(path) once that job is gone)")
        }
        guard otherSize == worldSize else {
            throw RankError("the ranks disagree on the world size: this rank has \(worldSize), the job writing \(folderName) started with "
                            + "\(otherSize) (\(path)); nothing was written (if that job is gone, remove the file to go on with \(worldSize) "
                            + "ranks: complete shards are kept)")
        }
    }

    private var folderName: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }
}

/// Small files (an index, a config, a job file) read as untrusted input and placed without replacing.
enum SmallFile {
    /// Files larger than this are not small files of ours.
    static let limit = 64 << 20

    /// The bytes of the regular file at `path`, nil if there is none.
    static func read(_ path: String) throws -> [UInt8]? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw WriterError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw RankError("\(path) is not a regular file; nothing was written") }
        guard info.st_size <= limit else { throw RankError("\(path) is \(info.st_size) bytes, not a file TensorSeed wrote; nothing was written") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WriterError.cannotCreate(path: path, reason: "cannot read it")
        }
        return Array(data)
    }

    /// Writes `bytes` to a temporary file and moves it to `path`, never replacing (unless `force`):
    /// throws `WriterError.createdMeanwhile` if a file appeared there.
    static func place(_ bytes: [UInt8], at path: String, force: Bool = false) throws {
        let output = StagedOutput(force: force)
        defer { output.discard() }
        try output.write(path, bytes: bytes)
        try output.commit()
    }

    /// Makes `path` hold `bytes`: writes it when absent; when present with other bytes, replaces it with
    /// `force` and otherwise throws (`what` names the file's role). Returns whether it wrote.
    @discardableResult
    static func ensure(_ bytes: [UInt8], at path: String, what: String, force: Bool) throws -> Bool {
        if let found = try read(path) {
            if found == bytes { return false }
            guard force else {
                throw RankError("\(path) exists and is not this job's \(what) (another job's files in this folder?); nothing was replaced (use --force to replace it)")
            }
            try place(bytes, at: path, force: true)
            return true
        }
        do {
            try place(bytes, at: path)
            return true
        } catch WriterError.createdMeanwhile {
            return try ensure(bytes, at: path, what: what, force: force)
        }
    }
}
