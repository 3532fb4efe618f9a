import ArgumentParser
import CertificatePacks
import HTTPServer
import Logging

// The enums behind the choice options. Their raw values are what the flags and variables
// accept; `allValueStrings` (from CaseIterable) is what a bad value's message lists.

extension LifecycleMode: ExpressibleByArgument {}
extension VirtualClock.Mode: ExpressibleByArgument {}
extension IDGenerator.Format: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
extension CPUScheduling: ExpressibleByArgument {}

extension Logger.Level: @retroactive ExpressibleByArgument {
    /// Any case: `--log-level DEBUG` is `debug`.
    public init?(argument: String) {
        self.init(rawValue: argument.lowercased())
    }
}

/// `--rate-limit`.
enum Switch: String, CaseIterable, ExpressibleByArgument {
    case on, off
}

/// `--ca-rules`.
enum CARules: String, CaseIterable, ExpressibleByArgument {
    case strict, off
}
