#ifndef CFIELDSPLITTING_H
#define CFIELDSPLITTING_H

#include <stddef.h>
#include <stdint.h>

/* What csv_split_line saw in a line, as bits of its `found` result. */
enum {
  /* Not a line it splits (an escaped or stray quote, a carriage return outside quotes, an
     unclosed quote): nothing usable was written, and libcsv reads the line. */
  CSV_SPLIT_NOT_PLAIN = 1,
  /* A byte with its high bit set: the line is not plain ASCII. */
  CSV_SPLIT_NON_ASCII = 2,
  /* A NUL byte somewhere in the line. */
  CSV_SPLIT_NUL = 4,
};

/* Splits the `count` bytes of one line (its newline and any carriage return before it
   already cut off) at every comma outside quotes, writing field i's bounds as
   starts[i]..<ends[i], a quoted field's without its quotes; both must have room for
   count + 1 fields. Returns the number of fields written, and in `*found` what else the line
   holds (the CSV_SPLIT_ bits). A quoted field must be the whole field and hold no quote
   (commas and carriage returns it may hold); a line with any other quote, or a carriage
   return outside quotes, is not plain: the return is 0 and `*found` has CSV_SPLIT_NOT_PLAIN.

   Why C: the reader spends most of its time in this loop, and C reaches the CPU's vector
   compares (SSE2 on every x86-64, AVX2 where the CPU has it, chosen once at run time),
   sixteen or thirty-two bytes at a time; Swift's portable SIMD types do not compile to the
   bit-mask instructions this needs. */
intptr_t csv_split_line(const uint8_t *line, intptr_t count, intptr_t *starts, intptr_t *ends, int *found);

/* The implementations, for tests that hold them to the same answers on any machine. */
enum { CSV_SPLIT_USING_SCALAR = 0, CSV_SPLIT_USING_SSE2 = 1, CSV_SPLIT_USING_AVX2 = 2 };

/* csv_split_line with the implementation named (the scalar one where the CPU has not
   got it). */
intptr_t csv_split_line_using(int implementation, const uint8_t *line, intptr_t count, intptr_t *starts,
                              intptr_t *ends, int *found);

/* How many newline bytes the `count` bytes at `bytes` hold: how the reader numbers the lines
   of a segment that starts mid-file. */
intptr_t csv_count_newlines(const uint8_t *bytes, intptr_t count);

/* Which implementation csv_split_line uses here: "avx2", "sse2" or "scalar". */
const char *csv_split_implementation(void);

#endif
