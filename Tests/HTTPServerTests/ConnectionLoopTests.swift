import Foundation
import Testing
@testable import HTTPServer

/// The epoll loop thread on its own: hand-over from other threads, timers, shutdown.
@Suite struct ConnectionLoopTests {
    private func makeLoop() throws -> ConnectionLoop {
        let configuration = HTTPServerConfiguration(hosts: ["127.0.0.1"], port: 0)
        let context = ServerContext(configuration: configuration, handler: TestHandler(),
                                    errorResponder: HTTPServer.defaultProtocolErrorResponder, tracker: ConnectionTracker())
        let loop = try ConnectionLoop(name: "test-loop", context: context, sweepInterval: 0.05)
        try loop.start()
        return loop
    }

    @Test func tasksRunInOrderOnTheLoopThread() throws {
        let loop = try makeLoop()
        defer { loop.stopAndJoin() }
        #expect(!loop.isCurrent)
        let seen = Locked<[Int]>([])
        let onLoop = Locked<[Bool]>([])
        let done = DispatchSemaphore(value: 0)
        // From several threads at once: each thread's tasks keep their order.
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<100 {
                loop.execute {
                    seen.withValue { $0.append(thread * 1000 + index) }
                    onLoop.withValue { $0.append(loop.isCurrent) }
                }
            }
        }
        loop.execute { done.signal() }
        #expect(done.wait(timeout: .now() + 5) == .success)
        let values = seen.withValue { $0 }
        #expect(values.count == 400)
        for thread in 0..<4 {
            let mine = values.filter { $0 / 1000 == thread }
            #expect(mine == mine.sorted())
        }
        #expect(onLoop.withValue { $0 }.allSatisfy { $0 })
    }

    @Test func delayedTaskRunsAfterItsDelay() throws {
        let loop = try makeLoop()
        defer { loop.stopAndJoin() }
        let done = DispatchSemaphore(value: 0)
        let started = Date()
        loop.execute(after: 0.2) { done.signal() }
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(Date().timeIntervalSince(started) >= 0.19)
    }

    @Test func tasksAfterStopAreRefused() throws {
        let loop = try makeLoop()
        loop.stopAndJoin()
        #expect(!loop.execute {})
        #expect(!loop.execute(after: 0) {})
    }

    @Test func loopCountFollowsTheAffinityMask() {
        let count = allowedProcessorCount()
        #expect(count != nil)
        #expect((count ?? 0) >= 1)
        #expect((count ?? 0) <= ProcessInfo.processInfo.processorCount)
    }
}
