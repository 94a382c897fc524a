#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Ctrl-C and `kill` during a write: once `installSignalHandlers()` has run, SIGINT or SIGTERM unlinks
/// the temporary file being written (registered by the writer), sets `signalNumber`, and restores the
/// default action (a second signal ends the process at once). Writers check `signalNumber` between
/// chunks and stop with `WriterError.interrupted`.
public enum Interruption {
    private static let received = Atomic<Int32>(0)
    private static let registered = Atomic<Bool>(false)
    private static let handlersInstalled = Atomic<Bool>(false)
    private static let capacity = 4096
    nonisolated(unsafe) private static let path: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 4096)
        p.initialize(repeating: 0, count: 4096)
        return p
    }()

    /// The signal that arrived (0 if none).
    public static var signalNumber: Int32 { received.load(ordering: .acquiring) }

    /// Installs the SIGINT and SIGTERM handlers (once per process).
    public static func installSignalHandlers() {
        _ = path
        guard !handlersInstalled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in Interruption.handle(number) }
        }
    }

    private static func handle(_ number: Int32) {
        if registered.load(ordering: .acquiring) { unlink(path) }
        received.store(number, ordering: .releasing)
        signal(number, SIG_DFL)
    }

    /// Registers the temporary file to unlink on a signal (only when handlers are installed and the path fits).
    static func register(temporary: String) {
        guard handlersInstalled.load(ordering: .acquiring) else { return }
        let bytes = Array(temporary.utf8)
        guard bytes.count < capacity else { return }
        registered.store(false, ordering: .releasing)
        for (i, b) in bytes.enumerated() { path[i] = CChar(bitPattern: b) }
        path[bytes.count] = 0
        registered.store(true, ordering: .releasing)
    }

    /// Forgets the registered temporary file.
    static func unregister() {
        registered.store(false, ordering: .releasing)
    }
}
