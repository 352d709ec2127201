/* libcsv (Debian libcsv-dev) ships no pkg-config file, so the module map links "csv" itself.
   csv.h declares csv_fwrite(FILE *, ...), so stdio.h must come first. */
#include <stddef.h>
#include <stdio.h>
#include <csv.h>

/* The two functions below read libcsv's parser state by number (pstate, from libcsv.c),
   which libcsv does not publish: the numbers are those of libcsv 3.0.x. Another version may
   number its states otherwise, so the build stops rather than read them wrongly. */
#if !defined(CSV_MAJOR) || CSV_MAJOR != 3 || CSV_MINOR != 0
#error "shim.h reads libcsv 3.0.x parser states (ROW_NOT_BEGUN 0, FIELD_BEGUN 2); check libcsv.c of this version and update the numbers and this check"
#endif

/* Whether the parser is inside a quoted field that has not been closed. libcsv reports this
   from csv_fini only in CSV_STRICT mode, which also aborts on any stray quote; we want the
   tolerant mode and still to know a file was truncated inside quotes. FIELD_BEGUN is 2 in
   libcsv.c (3.0.x). */
static inline int clibcsv_inside_open_quote(const struct csv_parser *p) {
    return p->pstate == 2 && p->quoted;
}

/* Whether the parser is between records, holding no part of one: only then may the reader
   split a line itself. A record ended by a lone carriage return mid-chunk may be followed by
   the start of another that libcsv holds. ROW_NOT_BEGUN is 0 in libcsv.c (3.0.x). */
static inline int clibcsv_between_records(const struct csv_parser *p) {
    return p->pstate == 0;
}
