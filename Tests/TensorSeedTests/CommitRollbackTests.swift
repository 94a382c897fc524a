import Foundation
import XCTest
@testable import TensorSeed

/// `StagedOutput.commit` with `force`: a move that fails part-way puts back the earlier files it had replaced
/// (`PreviousFile`), and `checkReplaceable` refuses links whose chain leads into /proc or /sys (`SystemLinkChain`).
final class CommitRollbackTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: String { temporary.url.path }

    override func setUpWithError() throws { temporary = try TemporaryFolder(prefix: "tensorseed-rollback") }
    override func tearDownWithError() throws { temporary.remove() }

    private func path(_ name: String) -> String { folder + "/" + name }
    private func inode(_ name: String) -> ino_t? {
        var info = stat()
        return lstat(path(name), &info) == 0 ? info.st_ino : nil
    }

    /// The second file's final path turns into a folder between the up-front check and the commit: the first file,
    /// already moved over an earlier one, is taken back and the earlier one (same inode, same bytes) is there again.
    func testFailedCommitPutsBackTheFilesItReplaced() throws {
        try Data("earlier config".utf8).write(to: URL(fileURLWithPath: path("config.json")))
        let earlier = inode("config.json")
        let output = StagedOutput(force: true)
        defer { output.discard() }
        try output.checkAbsent([path("config.json"), path("model.safetensors")])
        try output.write(path("config.json"), bytes: Array("new config".utf8))
        try output.write(path("model.safetensors"), bytes: [1, 2, 3])
        try FileManager.default.createDirectory(atPath: path("model.safetensors"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try output.commit()) { XCTAssertEqual($0 as? WriterError, .isDirectory(path: path("model.safetensors"))) }
        XCTAssertEqual(try String(contentsOfFile: path("config.json"), encoding: .utf8), "earlier config")
        XCTAssertEqual(inode("config.json"), earlier, "the earlier file itself, not a copy")
        output.discard()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["config.json", "model.safetensors"],
                       "no backup or temporary file left")
    }

    /// A successful commit over earlier files leaves only the new files, no backup.
    func testCommitOverEarlierFilesLeavesNoBackup() throws {
        try Data("earlier".utf8).write(to: URL(fileURLWithPath: path("a.json")))
        let output = StagedOutput(force: true)
        try output.checkAbsent([path("a.json")])
        try output.write(path("a.json"), bytes: Array("new".utf8))
        try output.commit()
        XCTAssertEqual(try String(contentsOfFile: path("a.json"), encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["a.json"])
    }

    /// Relative links and links to links into /proc or /sys are refused; a link to a regular file or to nothing is not.
    func testLinkChainsIntoProcAndSysAreRefused() throws {
        let depth = folder.split(separator: "/").count
        let links: [(String, String)] = [("mtab", String(repeating: "../", count: depth) + "proc/self/mounts"), ("out", "/proc/self/fd/1"),
                                         ("out2", "out"), ("out3", path("out2")), ("notes", "/sys/kernel/notes"), ("procdir", "/proc")]
        for (name, target) in links { try FileManager.default.createSymbolicLink(atPath: path(name), withDestinationPath: target) }
        for (name, place) in [("mtab", "/proc"), ("out", "/proc"), ("out2", "/proc"), ("out3", "/proc"), ("notes", "/sys"), ("procdir", "/proc")] {
            XCTAssertEqual(SystemLinkChain.intoSystemFolder(path(name))?.folder, place, name)
        }
        XCTAssertEqual(SystemLinkChain.intoSystemFolder(path("out3"))?.text, "\(path("out2")) -> out -> /proc/self/fd/1")
        try Data("x".utf8).write(to: URL(fileURLWithPath: path("file")))
        try FileManager.default.createSymbolicLink(atPath: path("to-file"), withDestinationPath: "file")
        try FileManager.default.createSymbolicLink(atPath: path("dangling"), withDestinationPath: "nothing-here")
        try FileManager.default.createSymbolicLink(atPath: path("procfile"), withDestinationPath: "processed/proc")
        for name in ["to-file", "dangling", "procfile", "file"] {
            XCTAssertNil(SystemLinkChain.intoSystemFolder(path(name)), name)
            XCTAssertNoThrow(try StagedOutput.checkReplaceable(path(name)), name)
        }
        XCTAssertThrowsError(try StagedOutput.checkReplaceable(path("mtab")))
    }
}
