#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "CSystemCalls.h"
#if defined(__GLIBC__)
#include <malloc.h>
#endif

int csys_exchange_paths(const char *first, const char *second) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int csys_limit_malloc_arenas(int count) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    return mallopt(M_ARENA_MAX, count);
#else
    (void)count;
    return 0;
#endif
}

int csys_create_uncached(const char *path, int mode) {
#if defined(__linux__) && defined(O_DIRECT)
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, (mode_t)mode);
#else
    (void)path;
    (void)mode;
    errno = EINVAL;
    return -1;
#endif
}

int csys_stop_bypassing_cache(int fd) {
#if defined(__linux__) && defined(O_DIRECT)
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags & ~O_DIRECT);
#else
    (void)fd;
    return 0;
#endif
}
