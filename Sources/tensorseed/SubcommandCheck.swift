import ArgumentParser

/// A mistyped subcommand, caught before argument-parser sees it. `sample` is the default subcommand and takes
/// no positional argument, so a first argument that is a word but no subcommand (`tensorseed verfy x`) can only
/// be a typo: without this check it was reported as an unexpected argument of `sample`. `tensorseed help WORD`
/// of a WORD that is no subcommand fails too (argument-parser printed the top-level help and exited 0).
enum SubcommandCheck {
    /// The subcommands' names, in the order `--help` lists them.
    static var names: [String] { TensorSeedCommand.configuration.subcommands.map { $0._commandName } }

    /// The one-line refusal of `arguments` (the command line without the program), or nil if it names no unknown subcommand.
    static func problem(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        if first == "help" {
            guard let word = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }), !names.contains(word), word != "help" else { return nil }
            return refusal(word)
        }
        return names.contains(first) ? nil : refusal(first)
    }

    private static func refusal(_ word: String) -> String {
        let list = names.joined(separator: ", ")
        guard let close = names.min(by: { distance($0, word) < distance($1, word) }), distance(close, word) <= max(2, close.count / 3) else {
            return "'\(word)' is not a tensorseed subcommand (subcommands: \(list); see 'tensorseed --help')"
        }
        return "'\(word)' is not a tensorseed subcommand; did you mean '\(close)'? (subcommands: \(list))"
    }

    /// The Levenshtein distance of two words (insertions, deletions and substitutions of characters).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)   // distances of a's first i characters to b's prefixes
        for (i, x) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let above = row[j + 1]
                row[j + 1] = min(above + 1, row[j] + 1, diagonal + (x == y ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
