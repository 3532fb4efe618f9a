import Foundation

/// Polls `condition` every millisecond until it holds or `seconds` pass: a readiness wait for
/// what settles on another thread just after the call that caused it returned.
package func eventually(within seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        if Date() >= deadline { return false }
        usleep(1000)
    }
    return true
}
