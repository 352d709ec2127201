#ifndef CSYSTEMCALLS_H
#define CSYSTEMCALLS_H

/* Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE), so that a directory of
   outputs is replaced as a whole: a reader sees the old generation or the new one, never a
   mixture. Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system cannot). */
int csys_exchange_paths(const char *first, const char *second);

/* Caps glibc malloc's arenas at `count` (mallopt M_ARENA_MAX); returns 1 when set, 0 where
   the C library has no such setting. */
int csys_limit_malloc_arenas(int count);

/* Creates (or truncates) `path` for writing with mode `mode`, bypassing the page cache
   (Linux O_DIRECT): writes then go from the caller's buffer to the device, and must be whole
   blocks from aligned memory at aligned offsets. Returns the descriptor, or -1 with errno set
   (EINVAL where the file system or platform cannot). */
int csys_create_uncached(const char *path, int mode);

/* Turns the page-cache bypass of `fd` off again, for a file system that accepted it when
   opening but refuses the writes. Returns 0, or -1 with errno set. */
int csys_stop_bypassing_cache(int fd);

#endif
