import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a rerun finds at the path of one shard of a set. Shards appear only through the final no-replace
/// rename (`StagedOutput`), so a file there was written whole; a killed writer leaves only its hidden
/// temporary file. `inspect` still reads the header and the whole data before calling a shard complete.
public enum ShardOnDisk: Sendable, Equatable {
    /// No file there.
    case missing
    /// This shard: its header equals the expected one (digest values aside), its size is right and every
    /// tensor's bytes give the digest its header records.
    case complete
    /// This shard's header, but the data does not check out (truncated, damaged): to be written again.
    case damaged(reason: String)
    /// Something else: another job's file, not a safetensors file, not a regular file. Never replaced without --force.
    case foreign(reason: String)

    /// Inspects `path` against `expected`, the header of the shard with placeholder digests; with `readData`
    /// false the data is not read (a file with the right header and size counts as complete).
    public static func inspect(_ path: String, expected: SafetensorsHeader, readData: Bool = true) -> ShardOnDisk {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT ? .missing : .foreign(reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .foreign(reason: "not a regular file") }
        let header: SafetensorsHeader
        do { header = try SafetensorsHeader.read(path: path) } catch { return .foreign(reason: "\(error)") }
        guard sameShard(header, expected) else { return .foreign(reason: "its tensors or metadata are not those of this job's shard") }
        guard Int(info.st_size) == header.dataStart + header.dataSize else {
            return .damaged(reason: "\(info.st_size) bytes, not \(header.dataStart + header.dataSize)")
        }
        guard readData else { return .complete }
        if let reason = digestFailure(path, header: header) { return .damaged(reason: reason) }
        return .complete
    }

    /// Whether two headers describe the same shard: the same entries and the same metadata except the digests' values.
    static func sameShard(_ a: SafetensorsHeader, _ b: SafetensorsHeader) -> Bool {
        func withoutDigests(_ m: [JSONKey: String]) -> [JSONKey: String] {
            var copy = m
            for key in m.keys where key.text.hasPrefix(TensorSeedMetadata.digestPrefix) { copy[key] = "" }
            return copy
        }
        return a.entries == b.entries && withoutDigests(a.metadata) == withoutDigests(b.metadata)
    }

    /// Reads every tensor's bytes and compares its digest with the header's; the first failure, or nil.
    static func digestFailure(_ path: String, header: SafetensorsHeader) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "cannot open: \(String(cString: strerror(errno)))" }
        defer { close(fd) }
        let chunk = 8 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        for entry in header.entries {
            var digest = TensorDigest()
            var offset = entry.begin
            while offset < entry.end {
                let want = min(chunk, entry.end - offset)
                let got = pread(fd, buffer.baseAddress!, want, off_t(header.dataStart + offset))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { return "cannot read \(entry.name): \(got == 0 ? "unexpected end of file" : String(cString: strerror(errno)))" }
                digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                offset += got
            }
            guard header.metadata[TensorSeedMetadata.digestPrefix + entry.name] == digest.text else {
                return "tensor \(entry.name) does not give its recorded digest"
            }
        }
        return nil
    }
}
