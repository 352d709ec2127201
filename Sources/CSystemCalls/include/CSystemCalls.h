#ifndef CSYSTEMCALLS_H
#define CSYSTEMCALLS_H

/* Atomically swaps two paths (Linux renameat2 with RENAME_EXCHANGE), so that a directory of
   outputs is replaced as a whole: a reader sees the old generation or the new one, never a
   mixture. Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system cannot). */
int csys_exchange_paths(const char *first, const char *second);

/* Caps glibc malloc's arenas at `count` (mallopt M_ARENA_MAX); returns 1 when set, 0 where
   the C library has no such setting. */
int csys_limit_malloc_arenas(int count);

#endif
