/// Placing a `SpecError` in its file: the compiler convention `file:line:column: message`.
extension SpecError {
    /// A syntax error. Without a file the text is the error's own (naming line and column);
    /// with one it is `file:line:column: invalid FORMAT: reason`.
    init(syntax error: DocumentSyntaxError, file: String?) {
        let position = error.position
        if let file {
            self.init(location: "", message: "invalid \(error.format.rawValue): \(error.reason)", line: position.line, column: position.column)
            locate(inFile: file)
        } else {
            self.init(location: "", message: error.description, line: position.line, column: position.column)
        }
    }

    /// Puts `file`, and `line:column` when known, in front of the location.
    mutating func locate(inFile file: String) {
        let place = line.map { "\(file):\($0):\(column ?? 1)" } ?? file
        location = location.isEmpty ? place : "\(place): \(location)"
    }
}
