/// Chooses the scheme of one layer parameter and makes its tensor job: the layer's own scheme object
/// (`"weight"` or `"bias"`), else the first rule whose pattern matches the full name, else torch's default.
enum LayerParameterScheme {
    /// The job for `parameter` of `layer`, named `<name or index>.<parameter>`; a scheme that cannot be used
    /// for the shape is an error naming the layer and where the scheme came from (the field or the rule).
    static func job(_ parameter: LayerParameter, of layer: LayerFields, dtype: StorageType,
                    rules: [(pattern: String, scheme: InitScheme)]) throws -> TensorJob {
        let name = "\(layer.name ?? String(layer.index)).\(parameter.name)"
        let field = parameter.overrideField
        if let scheme = try layer.schemeOverride(field) {
            do { return try TensorJob(name: name, shape: parameter.shape, dtype: dtype, scheme: scheme) } catch let error as SchemeError {
                throw layer.error(field, "cannot initialize \"\(name)\" \(parameter.shape): \(error)")
            }
        }
        if let r = rules.firstIndex(where: { NamePattern.matches($0.pattern, name) }) {
            do { return try TensorJob(name: name, shape: parameter.shape, dtype: dtype, scheme: rules[r].scheme) } catch let error as SchemeError {
                throw SpecError(location: layer.location,
                                message: "parameter \"\(name)\" \(parameter.shape) takes the scheme of rules[\(r)] \"\(rules[r].pattern)\", which fails: \(error)",
                                path: [.key("rules"), .index(r), .key("scheme")])
            }
        }
        do { return try TensorJob(name: name, shape: parameter.shape, dtype: dtype, scheme: parameter.torchDefault) } catch let error as SchemeError {
            throw layer.layerError("parameter \"\(name)\" \(parameter.shape): torch's default scheme fails: \(error)")
        }
    }
}
