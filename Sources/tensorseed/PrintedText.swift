import ArgumentParser
import TensorSeed
#if canImport(Glibc)
import Glibc
#endif

/// Everything the CLI prints goes through `print` and `printError` below, which escape every
/// non-printable character (`PrintableText.escaped`): a tensor name, path or spec value holding a newline,
/// carriage return or terminal escape cannot forge a line such as verify's `OK  name` or hide one.
/// This `print` shadows `Swift.print` in this module, so no call site can forget it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(PrintableText.escaped(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}

/// Prints `line` to standard error, escaped as `print` escapes.
func printError(_ line: String) { writeError(PrintableText.escaped(line)) }

/// Writes `text` and a newline to standard error as it is, after what `print` buffered for standard output: in a
/// combined log (Slurm's default, `2>&1 | tee`) lines appear in the order they were written, the rank line before an error.
private func writeError(_ text: String) {
    fflush(nil)   // every stdio output stream: standard output is the only one written
    let bytes = Array((text + "\n").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes[done...].withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
        if n < 0, errno == EINTR { continue }
        guard n > 0 else { return }
        done += n
    }
}

extension TensorSeedCommand {
    /// Parses and runs as `ParsableCommand.main()` does, but prints argument-parser messages escaped:
    /// the error itself (which quotes the user's values, newlines included) as one line, the help and
    /// usage text around it line by line. A command line that is not UTF-8 (`ArgumentBytes`) is refused first, then
    /// a word that is no subcommand (`SubcommandCheck`).
    static func main() {
        if let problem = ArgumentBytes.firstInvalid() {
            writeError("tensorseed: error: \(PrintableText.escaped(problem))")
            Glibc.exit(64)   // EX_USAGE, as ArgumentParser's own usage errors
        }
        if let problem = SubcommandCheck.problem(Array(CommandLine.arguments.dropFirst())) {
            writeError("tensorseed: error: \(PrintableText.escaped(problem))")
            Glibc.exit(64)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
            Glibc.exit(0)
        } catch {
            let code = exitCode(for: error)
            let text = escapedMessage(fullMessage(for: error))
            if !text.isEmpty {
                if code == .success { Swift.print(text) } else { writeError(text) }
            }
            Glibc.exit(code.rawValue)
        }
    }

    /// `text` with its `Error: ...` part (up to the `Help:` or `Usage:` line argument-parser adds) escaped
    /// whole, and every other line escaped.
    static func escapedMessage(_ text: String) -> String {
        var rest = Substring(text)
        var head = ""
        if rest.hasPrefix("Error: ") {
            let end = [rest.range(of: "\nHelp: "), rest.range(of: "\nUsage: ")].compactMap { $0?.lowerBound }.min() ?? rest.endIndex
            head = PrintableText.escaped(String(rest[..<end]))
            rest = rest[end...]
        }
        return head + rest.split(separator: "\n", omittingEmptySubsequences: false).map { PrintableText.escaped(String($0)) }.joined(separator: "\n")
    }
}
