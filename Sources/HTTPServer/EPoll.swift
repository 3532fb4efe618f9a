#if canImport(Glibc)
import Glibc
#endif

/// An epoll instance (level-triggered), with just what a connection loop needs.
///
/// The Swift Glibc module exports neither <sys/epoll.h> nor <sys/eventfd.h>, and this
/// package has no C target, so the few functions are looked up once at run time (like
/// `accept4` in Socket.swift) and `struct epoll_event` is read and written as bytes.
struct EPoll {
    /// Readiness bits (<sys/epoll.h>; the same on every Linux architecture).
    static let readable: UInt32 = 0x001  // EPOLLIN
    static let writable: UInt32 = 0x004  // EPOLLOUT
    static let error: UInt32 = 0x008  // EPOLLERR, always reported
    static let hangUp: UInt32 = 0x010  // EPOLLHUP, always reported

    let fd: Int32

    init() throws {
        fd = try syscallChecked("epoll_create1") { EPoll.functions.create(Int32(O_CLOEXEC)) }
    }

    func close() {
        _ = Glibc.close(fd)
    }

    /// Starts watching `descriptor` for `events`; `token` comes back with each event.
    func add(_ descriptor: Int32, events: UInt32, token: UInt64) throws {
        try control(1, descriptor, events, token, name: "epoll_ctl(ADD)")  // EPOLL_CTL_ADD
    }

    func modify(_ descriptor: Int32, events: UInt32, token: UInt64) throws {
        try control(3, descriptor, events, token, name: "epoll_ctl(MOD)")  // EPOLL_CTL_MOD
    }

    /// Must run before the descriptor is closed: a closed one may already be reused.
    func remove(_ descriptor: Int32) {
        _ = try? control(2, descriptor, 0, 0, name: "epoll_ctl(DEL)")  // EPOLL_CTL_DEL
    }

    private func control(_ operation: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64, name: StaticString) throws {
        var event = EPollEvents.Raw(0, 0)
        try withUnsafeMutableBytes(of: &event) { raw in
            let pointer = raw.baseAddress!
            EPollEvents.store(events: events, token: token, at: pointer)
            try syscallChecked(name) { EPoll.functions.control(fd, operation, descriptor, pointer) }
        }
    }

    /// Waits up to `timeout` milliseconds (-1: forever); returns how many events `buffer` holds.
    func wait(into buffer: EPollEvents, timeout: Int32) -> Int {
        let count = EPoll.functions.wait(fd, buffer.storage, Int32(buffer.capacity), timeout)
        // -1 is EINTR (a signal: profilers, debuggers); the caller re-checks its timers and waits again.
        return max(0, Int(count))
    }

    // MARK: Kernel functions

    fileprivate struct Functions {
        let create: @convention(c) (Int32) -> Int32
        let control: @convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32
        let wait: @convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32
        let eventfd: @convention(c) (UInt32, Int32) -> Int32
        let getAffinity: @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32
    }

    fileprivate static let functions: Functions = {
        func lookup<T>(_ name: String, as type: T.Type) -> T {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
                fatalError("HTTPServer needs \(name) from glibc")
            }
            return unsafeBitCast(symbol, to: type)
        }
        return Functions(
            create: lookup("epoll_create1", as: (@convention(c) (Int32) -> Int32).self),
            control: lookup("epoll_ctl", as: (@convention(c) (Int32, Int32, Int32, UnsafeMutableRawPointer?) -> Int32).self),
            wait: lookup("epoll_wait", as: (@convention(c) (Int32, UnsafeMutableRawPointer?, Int32, Int32) -> Int32).self),
            eventfd: lookup("eventfd", as: (@convention(c) (UInt32, Int32) -> Int32).self),
            getAffinity: lookup("sched_getaffinity", as: (@convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32).self)
        )
    }()
}

/// A buffer of `struct epoll_event` for `epoll_wait`. The struct is packed on x86-64
/// (12 bytes, data at offset 4) and naturally aligned elsewhere (16 bytes, data at 8).
final class EPollEvents {
    #if arch(x86_64)
    fileprivate static let stride = 12
    fileprivate static let dataOffset = 4
    #else
    fileprivate static let stride = 16
    fileprivate static let dataOffset = 8
    #endif
    /// Room for one event on the stack (epoll_ctl).
    fileprivate typealias Raw = (UInt64, UInt64)

    let capacity: Int
    fileprivate let storage: UnsafeMutableRawPointer

    init(capacity: Int) {
        self.capacity = capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity * EPollEvents.stride, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    func events(at index: Int) -> UInt32 {
        storage.loadUnaligned(fromByteOffset: index * EPollEvents.stride, as: UInt32.self)
    }

    func token(at index: Int) -> UInt64 {
        storage.loadUnaligned(fromByteOffset: index * EPollEvents.stride + EPollEvents.dataOffset, as: UInt64.self)
    }

    fileprivate static func store(events: UInt32, token: UInt64, at pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: events, as: UInt32.self)
        pointer.storeBytes(of: token, toByteOffset: dataOffset, as: UInt64.self)
    }
}

/// An eventfd: other threads write to it to wake a loop blocked in `epoll_wait`.
struct EventFD {
    let fd: Int32

    init() throws {
        fd = try syscallChecked("eventfd") { EPoll.functions.eventfd(0, Int32(O_NONBLOCK) | Int32(O_CLOEXEC)) }
    }

    func signal() {
        var one: UInt64 = 1
        // EAGAIN only when the counter is near overflow: a wake-up is pending anyway.
        _ = Glibc.write(fd, &one, 8)
    }

    /// Resets the counter so level-triggered epoll stops reporting it.
    func acknowledge() {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
    }

    func close() {
        _ = Glibc.close(fd)
    }
}

/// CPUs this process may run on (CPU_COUNT of sched_getaffinity), so a server
/// started under `taskset -c 0` runs one loop; nil when the kernel will not say.
func allowedProcessorCount() -> Int? {
    // cpu_set_t is 1024 bits; a bigger machine gets EINVAL, so grow until it fits.
    var words = 16
    while words <= 1024 {
        let count: Int? = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { mask in
            mask.initialize(repeating: 0)
            let result = EPoll.functions.getAffinity(0, words * 8, UnsafeMutableRawPointer(mask.baseAddress))
            guard result >= 0 else { return nil }
            return mask.reduce(0) { $0 + $1.nonzeroBitCount }
        }
        if let count, count > 0 { return count }
        if errno != EINVAL { return nil }
        words *= 4
    }
    return nil
}
