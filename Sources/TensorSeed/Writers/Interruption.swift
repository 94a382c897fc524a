#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Ctrl-C, a closed terminal and `kill` during a write: once `installSignalHandlers()` has run, SIGINT,
/// SIGHUP or SIGTERM unlinks
/// the temporary files being written (registered by the writer: a sharded set has several), sets `signalNumber`, and restores the
/// default action (a second signal ends the process at once). Writers check `signalNumber` between
/// chunks and stop with `WriterError.interrupted`.
public enum Interruption {
    private static let received = Atomic<Int32>(0)
    /// How many NUL-terminated paths `path` holds (0: none registered).
    private static let registered = Atomic<Int>(0)
    private static let handlersInstalled = Atomic<Bool>(false)
    private static let capacity = 4096
    nonisolated(unsafe) private static let path: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
        p.initialize(repeating: 0, count: 4096)
        return p
    }()

    /// The signal that arrived (0 if none).
    public static var signalNumber: Int32 { received.load(ordering: .acquiring) }

    /// Installs the SIGINT, SIGHUP and SIGTERM handlers (once per process). SIGKILL cannot be caught: the
    /// temporary files it leaves name their process (`TemporaryName`), and `StaleTemporaries` removes them later.
    /// A signal the process was started ignoring stays ignored (`nohup` ignores SIGHUP, a shell's background
    /// job SIGINT), as POSIX shells and utilities do.
    public static func installSignalHandlers() {
        _ = path
        guard !handlersInstalled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for signalNumber in [SIGINT, SIGHUP, SIGTERM] {
            let earlier = signal(signalNumber) { number in Interruption.handle(number) }
            if isIgnore(earlier) { signal(signalNumber, earlier) }
        }
    }

    /// Whether a handler `signal` returned is SIG_IGN (the value 1 in glibc and Darwin).
    private static func isIgnore(_ handler: (@convention(c) (Int32) -> Void)?) -> Bool {
        guard let handler else { return false }
        return unsafeBitCast(handler, to: Int.self) == 1
    }

    private static func handle(_ number: Int32) {
        var p = path
        for _ in 0..<registered.load(ordering: .acquiring) {
            unlink(p)
            p += strlen(p) + 1
        }
        received.store(number, ordering: .releasing)
        signal(number, SIG_DFL)
    }

    /// Registers the temporary files to unlink on a signal, replacing earlier ones (only when handlers are
    /// installed; paths that do not fit in the 4096-byte buffer are left to the writer's own cleanup).
    public static func register(temporaries: [String]) {
        guard handlersInstalled.load(ordering: .acquiring) else { return }
        registered.store(0, ordering: .releasing)
        var at = 0, count = 0
        for temporary in temporaries {
            let bytes = Array(temporary.utf8)
            guard at + bytes.count < capacity else { break }
            for (i, b) in bytes.enumerated() { path[at + i] = CChar(bitPattern: b) }
            path[at + bytes.count] = 0
            at += bytes.count + 1
            count += 1
        }
        registered.store(count, ordering: .releasing)
    }

    /// Forgets the registered temporary files.
    public static func unregister() {
        registered.store(0, ordering: .releasing)
    }
}
