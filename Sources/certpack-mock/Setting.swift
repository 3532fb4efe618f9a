import FoundationEssentials

/// Resolves a setting as the README promises: flag, then environment variable, then default.
struct Setting {
    static let environment = ProcessInfo.processInfo.environment

    static func resolve<T>(_ flag: T?, env name: String, default value: T, parse: (String) -> T?) throws -> T {
        if let flag { return flag }
        guard let raw = environment[name], !raw.isEmpty else { return value }
        guard let parsed = parse(raw) else {
            throw SettingError(description: "\(name)=\(raw) is not valid; see `certpack-mock serve --help` for the accepted values")
        }
        return parsed
    }

    static func resolve(_ flag: String?, env name: String, default value: String) -> String {
        flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? value
    }

    /// A list element without the spaces and tabs around it ("127.0.0.1, ::1").
    static func trimmed(_ element: Substring) -> String {
        let isBlank = { (c: Character) in c == " " || c == "\t" }
        guard let first = element.firstIndex(where: { !isBlank($0) }), let last = element.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(element[first...last])
    }

    static func optional(_ flag: String?, env name: String) -> String? {
        flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}

struct SettingError: Error, CustomStringConvertible {
    var description: String
}
