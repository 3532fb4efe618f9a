import Dispatch
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Catches SIGINT and SIGTERM from the moment it is made, so a signal that arrives while
/// the server is still starting is kept rather than killing the process or being lost.
/// `wait()` blocks the main thread: `main` stays synchronous (no top-level await, no
/// dispatchMain) so valgrind can profile the binary.
final class SignalWaiter {
    private let received = DispatchSemaphore(value: 0)
    private var sources: [DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [received] in received.signal() }
            source.resume()
            sources.append(source)
        }
    }

    func wait() {
        received.wait()
        sources.forEach { $0.cancel() }
    }
}
