#if canImport(Glibc)
import Glibc
#endif

/// Functions of the C library that Swift's Glibc module does not declare (`renameat2`, `sync_file_range`, `fstatfs`),
/// looked up at run time so that the binary still starts where the C library lacks them.
enum CLibrarySymbol {
    /// The function `name` of the running C library as `type` (a `@convention(c)` function type), or nil
    /// where it is missing (and on other systems than Linux).
    static func lookup<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
        #else
        return nil
        #endif
    }
}
