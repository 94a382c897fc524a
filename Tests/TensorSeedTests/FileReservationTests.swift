#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import TensorSeed
import XCTest

/// `FileReservation`: extents reserved on a disk file system, none on tmpfs (where reserving would allocate every
/// page before generation starts), and a file too large for tmpfs refused before anything is written.
final class FileReservationTests: XCTestCase {
    /// A new empty file in `folder`, open for writing, and its path.
    private func emptyFile(in folder: String) throws -> (fd: Int32, path: String) {
        let path = folder + "/tensorseed-reservation-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw XCTSkip("cannot create a file in \(folder)") }
        return (fd, path)
    }

    private func allocatedBytes(_ fd: Int32) -> Int {
        var info = stat()
        XCTAssertEqual(fstat(fd, &info), 0)
        return Int(info.st_blocks) * 512
    }

    func testMemoryBackedFileIsNotAllocatedUpFront() throws {
        guard FileManager.default.fileExists(atPath: "/dev/shm") else { throw XCTSkip("no /dev/shm") }
        let (fd, path) = try emptyFile(in: "/dev/shm")
        defer { close(fd); unlink(path) }
        XCTAssertTrue(FileReservation.isMemoryBacked(fd), "/dev/shm is tmpfs")
        try FileReservation.reserve(fd, bytes: 8 << 20, path: path)
        XCTAssertEqual(allocatedBytes(fd), 0, "tmpfs pages are left to the writes")
    }

    func testDiskFileIsReserved() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let (fd, path) = try emptyFile(in: folder)
        defer { close(fd); unlink(path) }
        if FileReservation.isMemoryBacked(fd) { throw XCTSkip("\(folder) is memory-backed here") }
        try FileReservation.reserve(fd, bytes: 8 << 20, path: path)
        var info = stat()
        XCTAssertEqual(fstat(fd, &info), 0)
        XCTAssertEqual(Int(info.st_size), 8 << 20, "posix_fallocate extends the file")
        XCTAssertGreaterThanOrEqual(allocatedBytes(fd), 8 << 20, "and reserves its blocks")
    }

    func testTooLargeForMemoryIsRefused() throws {
        guard FileManager.default.fileExists(atPath: "/dev/shm") else { throw XCTSkip("no /dev/shm") }
        let (fd, path) = try emptyFile(in: "/dev/shm")
        defer { close(fd); unlink(path) }
        XCTAssertThrowsError(try FileReservation.reserve(fd, bytes: Int.max / 2, path: path)) { error in
            guard case WriterError.noRoom(path, Int.max / 2, _)? = error as? WriterError else {
                return XCTFail("expected noRoom, got \(error)")
            }
        }
    }
}
