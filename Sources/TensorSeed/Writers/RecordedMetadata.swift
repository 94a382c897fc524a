/// What `verify` requires of a file's TensorSeed metadata beyond each tensor's regeneration (SPEC.md
/// section 10): nothing recorded that regeneration would ignore.
enum RecordedMetadata {
    /// The `negative_slope` that builds before 2026-11-29 recorded beside every kaiming scheme's `a` (torch's
    /// leaky_relu default, which regeneration never used). Accepted, and only this value, so that their files
    /// still verify; any other recorded `negative_slope` is refused as a field kaiming does not have.
    static let legacyKaimingNegativeSlope = 0.01

    /// The `"scheme"` and `"recipe"` of a `tensorseed.scheme.<name>` value, refusing any other member, with
    /// the legacy `negative_slope` (above) taken out of the scheme.
    static func schemeAndRecipe(_ value: JSONValue) throws -> (scheme: JSONValue, recipe: JSONValue) {
        guard let fields = value.object, let scheme = fields["scheme"], let recipe = fields["recipe"] else {
            throw SpecFieldError(field: "metadata", message: "has no \"scheme\" and \"recipe\"")
        }
        if let extra = fields.keys.sorted().first(where: { $0 != "scheme" && $0 != "recipe" }) {
            throw SpecFieldError(field: extra.text, message: "is not part of a tensor's scheme metadata (only \"scheme\" and \"recipe\")")
        }
        guard var members = scheme.object, let name = members["name"]?.string, name.hasPrefix("kaiming_"),
              members["negative_slope"]?.number == legacyKaimingNegativeSlope else { return (scheme, recipe) }
        members["negative_slope"] = nil
        return (.object(members), recipe)
    }

    /// The first `tensorseed.` key of `metadata` that is neither the spec version, the seed, nor the scheme,
    /// digest or slice of one of `names`; nil if there is none.
    static func strayKey(_ metadata: [JSONKey: String], names: [String]) -> String? {
        let known = Set(names.flatMap { [TensorSeedMetadata.schemePrefix + $0, TensorSeedMetadata.digestPrefix + $0, TensorSeedMetadata.slicePrefix + $0] }.map { JSONKey($0) }
                        + [JSONKey(TensorSeedMetadata.specVersion), JSONKey(TensorSeedMetadata.seed)])
        return metadata.keys.sorted().first { $0.text.hasPrefix("tensorseed.") && !known.contains($0) }?.text
    }
}
