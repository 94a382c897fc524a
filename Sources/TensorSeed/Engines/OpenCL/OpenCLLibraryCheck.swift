#if canImport(Glibc)
import Glibc
#endif

/// Why `TENSORSEED_OPENCL_LIBRARY` gives no platform when the library it names was opened but is not an
/// OpenCL loader or driver (the COpenCL shim then answers "no platform", as for a machine without a
/// driver, which would be the wrong explanation).
enum OpenCLLibraryCheck {
    /// A reason when `TENSORSEED_OPENCL_LIBRARY` names a library without `clGetPlatformIDs`, else nil.
    static func missingEntryPoint() -> String? {
        guard let path = getenv("TENSORSEED_OPENCL_LIBRARY").map({ String(cString: $0) }), !path.isEmpty,
              let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { return nil }
        defer { dlclose(library) }
        guard dlsym(library, "clGetPlatformIDs") == nil else { return nil }
        return "TENSORSEED_OPENCL_LIBRARY=\(path) was opened but has no clGetPlatformIDs: it is not an OpenCL ICD loader or driver "
            + "(e.g. libOpenCL.so.1, or a driver such as /usr/lib/oclgrind/liboclgrind-rt.so)"
    }
}
