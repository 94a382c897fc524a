/// The version of the stream specification (SPEC.md) that this library implements.
///
/// The version is part of everything that records a seed: a value produced under
/// spec version N is only reproducible by an implementation of spec version N.
/// Any change to the bits of any stream is a new version, never a silent change.
public enum StreamSpec {
    /// The implemented stream specification version (SPEC.md, "Version").
    public static let version = 1
}
