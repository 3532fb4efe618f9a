import ArgumentParser
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One option's environment-variable twin and default, each written once: `help(_:)` puts
/// them in `--help` and the `resolve` methods apply them, so the two cannot disagree.
/// A flag beats its variable, which beats the default; an empty variable counts as unset.
/// A variable is parsed by the same `ExpressibleByArgument` conformance as the flag.
struct Setting<Value: ExpressibleByArgument & Sendable>: Sendable {
    /// The option's name without dashes ("port" for `--port`), for messages.
    let option: String
    let env: String
    private let defaultValue: Value?
    private let shownDefault: String?
    /// Choices only: how a bad value is named ("log level" instead of "--log-level ... (set by flag or ...)").
    private let choiceLabel: String?

    /// A setting with a default; `--help` shows it, or `shown` where the value would not read well.
    init(_ option: String, env: String, default value: Value, shown: String? = nil, choiceLabel: String? = nil) {
        self.option = option
        self.name = .customLong(option)
        self.env = env
        self.defaultValue = value
        self.shownDefault = shown ?? Self.describe(value)
        self.choiceLabel = choiceLabel
    }

    /// A setting that is unset unless given; `shown` says in `--help` what unset means ("random").
    init(_ option: String, env: String, unsetMeans shown: String? = nil) {
        self.option = option
        self.name = .customLong(option)
        self.env = env
        self.defaultValue = nil
        self.shownDefault = shown
        self.choiceLabel = nil
    }

    /// `--option`, spelled as this setting names it in messages. Given rather than derived from
    /// the property's name, which ArgumentParser does a character at a time (case tests and
    /// lowercasing) for every option on each of its several passes over the command; made once
    /// here, not on each of those passes (`Serve()` runs three times per parse).
    let name: NameSpecification

    /// `abstract` followed by "(env: NAME, default: VALUE)".
    func help(_ abstract: String) -> ArgumentHelp {
        ArgumentHelp("\(abstract) (env: \(env)\(shownDefault.map { ", default: \($0)" } ?? ""))")
    }

    /// The variable's text when it is set and not empty. One `getenv`, not
    /// `ProcessInfo.environment`, which copies the whole environment into a dictionary per read.
    var environmentText: String? {
        guard let raw = getenv(env), raw.pointee != 0 else { return nil }
        return String(cString: raw)
    }

    /// The flag, else the variable, else the default (nil for a setting without one).
    func resolveIfSet(_ flag: Value?) throws -> Value? {
        if let flag { return flag }
        guard let raw = environmentText else { return defaultValue }
        guard let parsed = Value(argument: raw) else {
            throw SettingError(description: "\(env)=\(raw) is not valid; see `certpack-mock serve --help` for the accepted values")
        }
        return parsed
    }

    func resolve(_ flag: Value?) throws -> Value {
        guard let value = try resolveIfSet(flag) ?? defaultValue else { preconditionFailure("--\(option) has no default") }
        return value
    }

    /// "10", not "10.0", for a whole number of seconds. Numbers are written here: the
    /// protocol's default description interpolates generically, which looks up Int's
    /// conformances at run time, a scan of every conformance in the binary each.
    private static func describe(_ value: Value) -> String {
        if let number = value as? Double, number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        if let number = value as? Int { return String(number) }
        return value.defaultValueDescription
    }
}

extension Setting where Value: CaseIterable {
    /// A choice, taken as text from the flag or the variable and checked here rather than by
    /// the parser, so a bad value gets the same message (naming both) and exit status 1
    /// whichever carried it.
    func resolve(choice flag: String?) throws -> Value {
        guard let raw = flag ?? environmentText else { return try resolve(nil) }
        guard let value = Value(argument: raw) else {
            let choices = Value.allValueStrings.joined(separator: ", ")
            if let choiceLabel { throw SettingError(description: "\(choiceLabel) '\(raw)' is not one of \(choices)") }
            throw SettingError(description: "--\(option) '\(raw)' is not one of \(choices) (set by flag or \(env))")
        }
        return value
    }
}

extension Setting where Value == Int {
    func resolve(_ flag: Int?, atLeast minimum: Int) throws -> Int {
        let value = try resolve(flag)
        guard value >= minimum else { throw SettingError(description: "--\(option) must be a whole number >= \(minimum), got \(value)") }
        return value
    }
}

extension Setting where Value == Double {
    func resolve(_ flag: Double?, atLeast minimum: Double) throws -> Double {
        let value = try resolve(flag)
        guard value >= minimum, value.isFinite else { throw SettingError(description: "--\(option) must be a number >= \(minimum), got \(value)") }
        return value
    }
}

/// A bad setting: ArgumentParser prints it after "Error: " and exits 1.
struct SettingError: Error, CustomStringConvertible {
    var description: String
}
