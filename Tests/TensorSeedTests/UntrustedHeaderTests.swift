import Foundation
import XCTest
@testable import TensorSeed

/// Crafted safetensors headers and files that are not regular files: `verify` (`SafetensorsHeader.read`
/// and `SafetensorsVerifier`) and `init --like` (`LikeLayout`, `LikeSpec`) refuse each with one line naming
/// the file, never trap on an overflow and never block.
final class UntrustedHeaderTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder(prefix: "tensorseed-untrusted") }

    override func tearDownWithError() throws { folder.remove() }

    private func path(_ name: String) -> String { folder.path(name) }

    /// Writes a safetensors file: the 8-byte length, `json` padded to 8 bytes, then `data` bytes of zeros.
    private func write(_ name: String, json: String, data: Int = 0, length: UInt64? = nil) throws -> String {
        var bytes = Array(json.utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        var prefix = (length ?? UInt64(bytes.count)).littleEndian
        let file = withUnsafeBytes(of: &prefix) { Array($0) } + bytes + [UInt8](repeating: 0, count: data)
        try Data(file).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// The error text of every reader of `file` (verify's header read, the verifier, --like's layout and
    /// plan), or "accepted" where one reads it.
    private static func readerErrors(_ file: String) -> [(reader: String, error: String)] {
        let readers: [(String, () throws -> Void)] = [
            ("read", { _ = try SafetensorsHeader.read(path: file) }),
            ("verify", { _ = try SafetensorsVerifier().verify(path: file) }),
            ("like", { _ = try LikeLayout.read(path: file) }),
            ("like plan", { _ = try LikeSpec.plan(like: file) }),
        ]
        return readers.map { reader, body in
            do { try body(); return (reader, "accepted") } catch { return (reader, "\(error)") }
        }
    }

    /// Each reader's error must be one non-empty line that names `file` and contains `expected`.
    private func assertRefused(_ file: String, _ expected: String, errors: [(reader: String, error: String)]? = nil, line: UInt = #line) {
        for (reader, text) in errors ?? Self.readerErrors(file) {
            XCTAssertFalse(text.isEmpty || text.contains("\n"), "\(reader): \(text)", line: line)
            XCTAssertTrue(text.contains(file), "\(reader) does not name the file: \(text)", line: line)
            XCTAssertTrue(text.contains(expected), "\(reader): \(text) lacks \"\(expected)\"", line: line)
        }
    }

    /// Runs `body` on another thread and waits at most 20 s: a reader that blocks on a FIFO fails the
    /// test instead of hanging the suite.
    private func withoutBlocking<T>(_ what: String, _ body: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { box.value = body(); done.signal() }
        guard done.wait(timeout: .now() + 20) == .success else { XCTFail("\(what) blocked"); return nil }
        return box.value
    }

    private static let metadata = #""__metadata__": {"tensorseed.spec_version": "1", "tensorseed.seed": "0"}"#

    func testShapesWhoseByteSizeOverflowsAreRefusedNotTrapped() throws {
        // Each shape's element count or byte size is beyond 2^63 - 1; the old code multiplied unchecked and trapped.
        let cases: [(dtype: String, shape: String, expected: String)] = [
            ("F32", "[2305843009213693952]", "more than 2^63 - 1 bytes"),            // 2^61 × 4 = 2^63
            ("F64", "[1152921504606846976]", "more than 2^63 - 1 bytes"),            // 2^60 × 8
            ("BF16", "[4611686018427387904]", "more than 2^63 - 1 bytes"),           // 2^62 × 2
            ("F16", "[3, 1537228672809129302]", "more than 2^63 - 1 bytes"),         // count < 2^63, bytes > 2^63
            ("F32", "[1099511627776, 1099511627776]", "more than 2^63 - 1 elements"),
            ("I64", "[4294967296, 4294967296, 4294967296]", "more than 2^63 - 1 elements"),
            ("F32", "[9223372036854775807, 2]", "more than 2^63 - 1 elements"),
            ("F32", "[9223372036854775808]", "is not a list of integers >= 0"),     // not an Int at all
            ("F32", "[-1]", "is not a list of integers >= 0"),
            ("F32", "[2, -9223372036854775808]", "is not a list of integers >= 0"),
            ("F32", "[1.5]", "is not a list of integers >= 0"),
        ]
        for (k, c) in cases.enumerated() {
            let file = try write("shape\(k).safetensors", json: #"{"w": {"dtype": "\#(c.dtype)", "shape": \#(c.shape), "data_offsets": [0, 0]}, \#(Self.metadata)}"#)
            assertRefused(file, c.expected)
        }
    }

    func testOffsetsAndLengthsOutOfRangeAreRefused() throws {
        let offsets: [(String, String)] = [
            ("[0, 9223372036854775807]", "bytes for shape"),
            ("[9223372036854775807, 9223372036854775807]", "bytes for shape"),
            ("[4, 0]", "bad dtype, shape or data_offsets"),
            ("[-8, 8]", "bad dtype, shape or data_offsets"),
            ("[0, 18446744073709551615]", "bad dtype, shape or data_offsets"),
        ]
        for (k, (range, expected)) in offsets.enumerated() {
            let file = try write("offsets\(k).safetensors", json: #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": \#(range)}, \#(Self.metadata)}"#, data: 8)
            assertRefused(file, expected)
        }
        // An unknown dtype is not size-checked, but its end must still match the data section.
        let u8 = try write("u8.safetensors", json: #"{"w": {"dtype": "U8", "shape": [4], "data_offsets": [0, 9223372036854775807]}, \#(Self.metadata)}"#, data: 4)
        XCTAssertThrowsError(try SafetensorsHeader.read(path: u8)) { XCTAssertTrue("\($0)".contains("the data section has 4 bytes"), "\($0)") }
        // Header lengths: 0, above safetensors' 100 MB limit, 2^64 - 1, and longer than the file.
        let json = #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        assertRefused(try write("zero.safetensors", json: json, data: 4, length: 0), "is not plausible")
        assertRefused(try write("huge.safetensors", json: json, data: 4, length: 100_000_001), "safetensors headers are 1 to 100000000 bytes")
        assertRefused(try write("max.safetensors", json: json, data: 4, length: .max), "is not plausible")
        assertRefused(try write("long.safetensors", json: json, data: 4, length: 4096), "shorter than the 4096-byte header")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path("tiny.safetensors")))
        assertRefused(path("tiny.safetensors"), "shorter than the 8-byte header length")
    }

    func testAHeaderLengthAtTheLimitIsAcceptedAndOneByteOverIsNot() throws {
        let limit = SafetensorsHeader.maximumHeaderBytes
        let json = #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        // At the limit the length is plausible: the (short) file is then refused for being shorter than it.
        assertRefused(try write("at.safetensors", json: json, data: 4, length: UInt64(limit)), "shorter than the \(limit)-byte header")
        assertRefused(try write("over.safetensors", json: json, data: 4, length: UInt64(limit + 1)), "safetensors headers are 1 to \(limit) bytes")
    }

    /// Every file the tool reads must be a regular file: directories, FIFOs (which would block a read
    /// forever), devices, and symlinks to any of them are refused with what they are.
    func testOnlyRegularFilesAreRead() throws {
        _ = try SafetensorsWriter(engine: .cpu).write(try ModelSpec.plan(json: Data(#"{"tensors": [{"name": "w", "shape": [2], "scheme": {"name": "ones"}}]}"#.utf8)),
                                                      to: path("like.safetensors"))
        try FileManager.default.createDirectory(atPath: path("dir.safetensors"), withIntermediateDirectories: false)
        XCTAssertEqual(mkfifo(path("fifo.safetensors"), 0o600), 0)
        XCTAssertEqual(symlink(path("dir.safetensors"), path("to-dir.safetensors")), 0)
        XCTAssertEqual(symlink(path("fifo.safetensors"), path("to-fifo.safetensors")), 0)
        XCTAssertEqual(symlink(path("absent"), path("dangling.safetensors")), 0)
        let cases = [("dir.safetensors", "is a directory, not a regular file"), ("fifo.safetensors", "is a FIFO (named pipe), not a regular file"),
                     ("to-dir.safetensors", "is a directory"), ("to-fifo.safetensors", "is a FIFO"), ("dangling.safetensors", "no such file")]
        for (name, expected) in cases {
            let file = path(name), json = path(name.replacingOccurrences(of: ".safetensors", with: ".json"))
            XCTAssertEqual(symlink(file, json), 0)
            guard let errors = withoutBlocking("reading \(name)", { Self.readerErrors(file) }) else { continue }
            assertRefused(file, expected, errors: errors)
            let like = path("like.safetensors")
            guard let specErrors = withoutBlocking("reading \(json)", { Self.specReaderErrors(json, like: like) }) else { continue }
            assertRefused(json, expected, errors: specErrors)
        }
        assertRefused("/dev/null", "is a character device, not a regular file")
    }

    /// The errors of the readers of specs, configs and indexes, each given `file`.
    /// (A directory is a config folder, whose config.json is what must be a regular file: not asked here.)
    private static func specReaderErrors(_ file: String, like: String) -> [(reader: String, error: String)] {
        var readers: [(String, () throws -> Void)] = [
            ("spec", { _ = try ModelSpec.plan(file: file) }),
            ("verify index", { _ = try ShardIndex.check(path: file) }),
            ("like rules", { _ = try LikeSpec.plan(like: like, spec: file) }),
        ]
        if !file.contains("dir") { readers.append(("config", { _ = try HuggingFaceConfig.read(path: file) })) }
        return readers.map { reader, body in
            do { try body(); return (reader, "accepted") } catch { return (reader, "\(error)") }
        }
    }

    func testAnIndexOnAFIFOOrDirectoryIsRefused() throws {
        XCTAssertEqual(mkfifo(path("fifo.safetensors.index.json"), 0o600), 0)
        try FileManager.default.createDirectory(atPath: path("dir.safetensors.index.json"), withIntermediateDirectories: false)
        for name in ["fifo.safetensors.index.json", "dir.safetensors.index.json"] {
            let file = path(name)
            let errors = withoutBlocking("reading \(name)") { () -> [String] in
                [{ do { _ = try LikeLayout.read(path: file); return "accepted" } catch { return "\(error)" } }(),
                 { do { _ = try ShardIndex.check(path: file); return "accepted" } catch { return "\(error)" } }()]
            }
            for error in errors ?? [] { XCTAssertTrue(error.contains("not a regular file") && error.contains(file), error) }
        }
        XCTAssertFalse(HuggingFaceConfig.isConfig(path: path("fifo.safetensors.index.json")))
    }
}

/// A result handed from a helper thread to the test after a semaphore.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
