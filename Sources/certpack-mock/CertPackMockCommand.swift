import ArgumentParser

@main
struct CertPackMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certpack-mock",
        abstract: "A local emulator of Cloudflare's certificate-pack API (Advanced Certificate Manager).",
        discussion: """
        With no subcommand it serves: `certpack-mock --port 0` runs the mock on a free port. \
        `certpack-mock serve --help` lists every option with its environment variable and default.
        """,
        subcommands: [Serve.self, Healthcheck.self],
        defaultSubcommand: Serve.self)

    /// A command line of `serve`'s options alone (the usual one, and an empty one) is parsed by
    /// `Serve` directly: reached as the default subcommand, it is parsed only after this root has
    /// parsed the line once for itself, about a fifth of the instructions before the first answer.
    /// Anything else (a subcommand's name, `--help`, a completion request, a mistake) goes through
    /// the root as before, so help, errors and exit statuses stay the root's.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let serve = (try? Serve.parseAsRoot(arguments)) as? Serve else { return main(nil) }
        do {
            try serve.run()
        } catch {
            exit(withError: error)
        }
    }
}
