// The definitions behind include/CSystemLinux.h, compiled with _GNU_SOURCE so that
// glibc declares accept4, the CPU_* macros and SCHED_BATCH.
#ifdef __linux__
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/socket.h>
#include "CSystemLinux.h"

int csystem_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}

int csystem_allowed_cpus(int *cpus, int capacity) {
    // Grows the mask past CPU_SETSIZE (1024) while the kernel says EINVAL.
    for (int most = CPU_SETSIZE; most <= 1 << 16; most *= 4) {
        cpu_set_t *set = CPU_ALLOC(most);
        if (set == NULL) return -1;
        size_t size = CPU_ALLOC_SIZE(most);
        CPU_ZERO_S(size, set);
        if (sched_getaffinity(0, size, set) == 0) {
            int count = 0;
            for (int cpu = 0; cpu < most; cpu++) {
                if (!CPU_ISSET_S(cpu, size, set)) continue;
                if (count < capacity) cpus[count] = cpu;
                count++;
            }
            CPU_FREE(set);
            return count;
        }
        int saved = errno;
        CPU_FREE(set);
        if (saved != EINVAL) {
            errno = saved;
            return -1;
        }
    }
    errno = EINVAL;
    return -1;
}

int csystem_set_thread_batch(int tid, int batch) {
    struct sched_param param = { .sched_priority = 0 };
    return sched_setscheduler(tid, batch ? SCHED_BATCH : SCHED_OTHER, &param);
}

int csystem_thread_is_batch(int tid) {
    int policy = sched_getscheduler(tid);
    return policy < 0 ? -1 : policy == SCHED_BATCH;
}

static _Thread_local void *thread_turn;

void *csystem_thread_turn(void) {
    return thread_turn;
}

void csystem_set_thread_turn(void *turn) {
    thread_turn = turn;
}

#endif
