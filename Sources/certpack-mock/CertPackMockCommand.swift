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
}
