/// The dashboard's files, compiled into the binary so it works offline with no build
/// step: the page (`DashboardPage.swift`), its style and its script.
enum DashboardAssets {
    static let page: [UInt8] = Array(DashboardPage.html.utf8)
    static let style: [UInt8] = Array(DashboardStyle.css.utf8)
    static let script: [UInt8] = Array(DashboardScript.js.utf8)
}
