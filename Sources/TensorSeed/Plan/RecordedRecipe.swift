/// The checks that make a recorded recipe (`tensorseed.scheme.<name>`'s `"recipe"`, SPEC.md section 10)
/// self-consistent: only the fields of its kind, and every decimal equal to the bits next to it, so
/// that no recorded field can be edited without `verify` noticing.
enum RecordedRecipe {
    /// The fields each recipe kind may have (`kind` included); a float parameter P is `P` and `P_bits`.
    static let keys: [String: Set<String>] = {
        func floats(_ names: String...) -> Set<String> { Set(names.flatMap { [$0, $0 + "_bits"] }) }
        return ["uniform": floats("low", "high"), "normal": floats("mean", "std"),
                "truncated_normal": floats("mean", "std", "low", "high"), "constant": floats("value"),
                "eye": ["rows", "columns"], "zero_row": floats("std").union(["row", "columns"]),
                "orthogonal": ["rows", "columns", "gain", "gain_bits"],
                "sparse": floats("std").union(["rows", "columns", "zeros_per_column"]), "dirac": ["shape", "groups"]]
            .mapValues { $0.union(["kind"]) }
    }()

    /// Refuses a field that a recipe of `kind` does not have (an unknown kind is refused by the caller).
    static func checkKeys(_ fields: [JSONKey: JSONValue], kind: String) throws {
        guard let allowed = keys[kind] else { return }
        if let extra = fields.keys.map(\.text).sorted().first(where: { !allowed.contains($0) }) {
            throw SpecFieldError(field: "recipe.\(extra)", message: "is not a field of a \(kind) recipe")
        }
    }

    /// Refuses a decimal `value` (if present) that does not read back to `exact`, the value of the recorded
    /// bits `bits` (float32, or float64 when `float32` is false). Non-finite values are the strings
    /// "inf", "-inf" and "nan", as `JSONValue` renders them.
    static func checkDecimal(_ value: JSONValue?, agreesWith exact: Double, key: String, bits: String, float32: Bool = true) throws {
        guard let value else { return }
        let agrees: Bool
        if let d = value.number {
            agrees = float32 ? Float(d).bitPattern == Float(exact).bitPattern : d.bitPattern == exact.bitPattern
        } else if let s = value.string {
            agrees = (s == "nan" && exact.isNaN) || (s == "inf" && exact == .infinity) || (s == "-inf" && exact == -.infinity)
        } else {
            agrees = false
        }
        guard agrees else {
            throw SpecFieldError(field: "recipe.\(key)", message: "is \(value.rendered) but recipe.\(key)_bits is \(bits) (\(float32 ? "\(Float(exact))" : "\(exact)")): "
                                 + "the two must agree, so the metadata was altered")
        }
    }
}
