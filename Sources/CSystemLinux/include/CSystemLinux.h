// Linux calls and macros that Swift's Glibc module does not export (they need
// _GNU_SOURCE), the way swift-nio's CNIOLinux does it: this header declares thin
// wrappers with plain types and CSystemLinux.c defines them under _GNU_SOURCE, so
// the compiler reads the real declarations and no signature or struct layout is
// typed by hand in Swift.
//
// _GNU_SOURCE is not defined here: a header that defines it changes what glibc's
// headers declare (fd_set, for one) inside this module, and Clang then rejects the
// second definition next to the one Glibc's module has.
#ifndef CSYSTEMLINUX_H
#define CSYSTEMLINUX_H

#ifdef __linux__
#include <sys/socket.h>

/// accept4(2): accept as non-blocking and close-on-exec in one call.
int csystem_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/// sched_setscheduler(2) for thread `tid` (0: the calling one): SCHED_BATCH when `batch`
/// is nonzero (a woken thread no longer preempts the running one), else SCHED_OTHER.
/// Threads it creates later inherit the policy. 0, or -1 with errno.
int csystem_set_thread_batch(int tid, int batch);

/// sched_getscheduler(2) for thread `tid`: 1 under SCHED_BATCH, 0 under any other policy,
/// -1 with errno.
int csystem_thread_is_batch(int tid);

/// The CPUs this process may run on (sched_getaffinity): their numbers, up to `capacity`
/// of them, into `cpus` (which may be NULL when `capacity` is 0), and how many there are;
/// -1 with errno set when the kernel will not tell.
int csystem_allowed_cpus(int *cpus, int capacity);

/// A pointer kept per thread (C11 _Thread_local, no pthread key to create or free): the
/// HTTP server's turn log of the connection queue the thread is running right now.
void *csystem_thread_turn(void);
void csystem_set_thread_turn(void *turn);

#endif // __linux__
#endif // CSYSTEMLINUX_H
