#include "CFieldSplitting.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CSV_SPLIT_X86 1
#endif

/* The quoted-line loop a bare loop goes on with when it meets a quote or carriage return at
   `offset`, with the fields and bytes it has seen before it. */
typedef intptr_t (*quoted_splitter)(const uint8_t *, intptr_t, intptr_t, intptr_t *, intptr_t *, intptr_t, intptr_t, int, int,
                                    int *);

/* The bytes after the last whole vector, one at a time. `fields` and `field_start` carry
   on from the vector loop. */
static inline intptr_t split_tail(const uint8_t *line, intptr_t offset, intptr_t count, intptr_t *starts,
                                  intptr_t *ends, intptr_t fields, intptr_t field_start, int *found, quoted_splitter quoted) {
  int seen = *found;
  for (; offset < count; offset++) {
    uint8_t byte = line[offset];
    if (byte == '"' || byte == '\r') {
      return quoted(line, offset, count, starts, ends, fields, field_start, seen & CSV_SPLIT_NON_ASCII, seen & CSV_SPLIT_NUL, found);
    }
    if (byte & 0x80) seen |= CSV_SPLIT_NON_ASCII;
    if (byte == 0) seen |= CSV_SPLIT_NUL;
    if (byte == ',') {
      starts[fields] = field_start;
      ends[fields] = offset;
      fields++;
      field_start = offset + 1;
    }
  }
  starts[fields] = field_start;
  ends[fields] = count;
  *found = seen;
  return fields + 1;
}

/* The commas of one vector, given as a bit mask of their positions from `offset`. */
#define CSV_SPLIT_TAKE_COMMAS(mask_expression)                   \
  do {                                                           \
    uint32_t commas = (uint32_t)(mask_expression);               \
    while (commas != 0) {                                        \
      intptr_t position = offset + __builtin_ctz(commas);        \
      starts[fields] = field_start;                              \
      ends[fields] = position;                                   \
      fields++;                                                  \
      field_start = position + 1;                                \
      commas &= commas - 1;                                      \
    }                                                            \
  } while (0)

/* Lines with quoted fields.

   A line the bare loops stop in (a quote, or a carriage return) is split on from the block it
   stopped at, 32 bytes at a time, by bit masks: which bytes are commas, quotes, carriage
   returns. The quotes' running parity (a prefix XOR of their mask) says which bytes lie
   inside a quoted field; commas there are not separators, and a carriage return outside one
   ends the attempt. Then each field that begins with a quote must end with one, its content
   being what lies between, and those two must be every quote on the line: so a field with
   an escaped quote (""), a quote in mid-field, or an unclosed quote is left to libcsv
   (CSV_SPLIT_NOT_PLAIN), as is a line break inside quotes, which never reaches here within
   one line. Splitting such lines in Swift a byte at a time, after the bare loop had given up
   on them, took a fifth of the reading of an export whose drug names were quoted. */

typedef struct {
  uint32_t comma, quote, carriage, high, nul;
} csv_block_masks;

static inline csv_block_masks masks_scalar(const uint8_t *bytes) {
  csv_block_masks masks = {0, 0, 0, 0, 0};
  for (int i = 0; i < 32; i++) {
    uint32_t bit = (uint32_t)1 << i;
    uint8_t byte = bytes[i];
    if (byte == ',') masks.comma |= bit;
    if (byte == '"') masks.quote |= bit;
    if (byte == '\r') masks.carriage |= bit;
    if (byte & 0x80) masks.high |= bit;
    if (byte == 0) masks.nul |= bit;
  }
  return masks;
}

#ifdef CSV_SPLIT_X86
static inline uint32_t movemask_sse2_pair(__m128i low, __m128i high) {
  return (uint32_t)_mm_movemask_epi8(low) | (uint32_t)_mm_movemask_epi8(high) << 16;
}

static inline csv_block_masks masks_sse2(const uint8_t *bytes) {
  __m128i low = _mm_loadu_si128((const __m128i *)bytes), high = _mm_loadu_si128((const __m128i *)(bytes + 16));
  csv_block_masks masks;
  masks.comma = movemask_sse2_pair(_mm_cmpeq_epi8(low, _mm_set1_epi8(',')), _mm_cmpeq_epi8(high, _mm_set1_epi8(',')));
  masks.quote = movemask_sse2_pair(_mm_cmpeq_epi8(low, _mm_set1_epi8('"')), _mm_cmpeq_epi8(high, _mm_set1_epi8('"')));
  masks.carriage = movemask_sse2_pair(_mm_cmpeq_epi8(low, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(high, _mm_set1_epi8('\r')));
  masks.high = movemask_sse2_pair(low, high);
  masks.nul = movemask_sse2_pair(_mm_cmpeq_epi8(low, _mm_setzero_si128()), _mm_cmpeq_epi8(high, _mm_setzero_si128()));
  return masks;
}

__attribute__((target("avx2"))) static inline csv_block_masks masks_avx2(const uint8_t *bytes) {
  __m256i block = _mm256_loadu_si256((const __m256i *)bytes);
  csv_block_masks masks;
  masks.comma = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8(',')));
  masks.quote = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8('"')));
  masks.carriage = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_set1_epi8('\r')));
  masks.high = (uint32_t)_mm256_movemask_epi8(block);
  masks.nul = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, _mm256_setzero_si256()));
  return masks;
}
#endif

/* Bit i set where an odd number of the mask's bits at or below i are set. */
static inline uint32_t prefix_xor(uint32_t mask) {
  mask ^= mask << 1;
  mask ^= mask << 2;
  mask ^= mask << 4;
  mask ^= mask << 8;
  mask ^= mask << 16;
  return mask;
}

/* Each field that begins with a quote cut to what lies between it and its closing quote,
   which must end the field; `quotes`, every quote on the line, must be those. */
static inline int trim_quoted_fields(const uint8_t *line, intptr_t fields, intptr_t *starts, intptr_t *ends, intptr_t quotes) {
  intptr_t accounted = 0;
  for (intptr_t field = 0; field < fields && accounted < quotes; field++) {
    if (ends[field] == starts[field] || line[starts[field]] != '"') continue;
    if (ends[field] - starts[field] < 2 || line[ends[field] - 1] != '"') return 0;
    starts[field] += 1;
    ends[field] -= 1;
    accounted += 2;
  }
  return accounted == quotes;
}

/* The quoted-line loop for one way of making masks, from `offset` (any byte outside a quote,
   every byte before it already split) with the fields found before it. */
#define CSV_SPLIT_QUOTED_BODY(make_masks)                                                              \
  intptr_t quotes = 0;                                                                                \
  uint32_t inside = 0; /* all ones while inside a quoted field across blocks */                      \
  for (; offset < count; offset += 32) {                                                              \
    csv_block_masks masks;                                                                            \
    uint32_t valid = 0xFFFFFFFFu;                                                                     \
    if (offset + 32 <= count) {                                                                       \
      masks = make_masks(line + offset);                                                              \
    } else {                                                                                          \
      uint8_t padded[32] = {0};                                                                       \
      memcpy(padded, line + offset, (size_t)(count - offset));                                        \
      masks = make_masks(padded);                                                                     \
      valid = ((uint32_t)1 << (count - offset)) - 1;                                                  \
    }                                                                                                 \
    uint32_t quote = masks.quote & valid;                                                             \
    uint32_t quoted = inside;                                                                         \
    if (quote != 0) {                                                                                 \
      quoted = prefix_xor(quote) ^ inside;                                                            \
      quotes += __builtin_popcount(quote);                                                            \
    }                                                                                                 \
    if ((masks.carriage & valid & ~quoted) != 0) {                                                    \
      *found = CSV_SPLIT_NOT_PLAIN;                                                                    \
      return 0;                                                                                       \
    }                                                                                                 \
    inside = (quoted >> 31) ? 0xFFFFFFFFu : 0;                                                        \
    high |= (int)(masks.high & valid);                                                                \
    nul |= (int)(masks.nul & valid);                                                                  \
    CSV_SPLIT_TAKE_COMMAS(masks.comma & valid & ~quoted);                                             \
  }                                                                                                   \
  /* An odd number of quotes leaves a field open. */                                                 \
  if (quotes % 2 != 0) {                                                                              \
    *found = CSV_SPLIT_NOT_PLAIN;                                                                      \
    return 0;                                                                                         \
  }                                                                                                   \
  starts[fields] = field_start;                                                                       \
  ends[fields] = count;                                                                               \
  fields++;                                                                                           \
  if (!trim_quoted_fields(line, fields, starts, ends, quotes)) {                                      \
    *found = CSV_SPLIT_NOT_PLAIN;                                                                      \
    return 0;                                                                                         \
  }                                                                                                   \
  *found = (high ? CSV_SPLIT_NON_ASCII : 0) | (nul ? CSV_SPLIT_NUL : 0);                              \
  return fields;

static intptr_t split_quoted_scalar(const uint8_t *line, intptr_t offset, intptr_t count, intptr_t *starts, intptr_t *ends,
                                    intptr_t fields, intptr_t field_start, int high, int nul, int *found) {
  CSV_SPLIT_QUOTED_BODY(masks_scalar)
}

#ifdef CSV_SPLIT_X86
static intptr_t split_quoted_sse2(const uint8_t *line, intptr_t offset, intptr_t count, intptr_t *starts, intptr_t *ends,
                                  intptr_t fields, intptr_t field_start, int high, int nul, int *found) {
  CSV_SPLIT_QUOTED_BODY(masks_sse2)
}

__attribute__((target("avx2,popcnt"))) static intptr_t split_quoted_avx2(const uint8_t *line, intptr_t offset, intptr_t count,
                                                                   intptr_t *starts, intptr_t *ends, intptr_t fields,
                                                                   intptr_t field_start, int high, int nul, int *found) {
  CSV_SPLIT_QUOTED_BODY(masks_avx2)
}
#endif

__attribute__((unused)) static intptr_t split_scalar(const uint8_t *line, intptr_t count, intptr_t *starts, intptr_t *ends, int *found) {
  *found = 0;
  return split_tail(line, 0, count, starts, ends, 0, 0, found, split_quoted_scalar);
}

#ifdef CSV_SPLIT_X86
/* One 16-byte step at `*offset`: its commas taken, its high bytes and NULs noted. Returns 0,
   or 1 at a quote or carriage return (the quoted loop goes on from this step). Shared by the
   SSE2 loop and the AVX2 loop's last 16 to 31 bytes. */
static inline int split_sse2_step(const uint8_t *line, intptr_t offset, intptr_t *starts, intptr_t *ends,
                                  intptr_t *fields_io, intptr_t *field_start_io, int *high, int *nul) {
  __m128i bytes = _mm_loadu_si128((const __m128i *)(line + offset));
  __m128i stops = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')));
  if (_mm_movemask_epi8(stops) != 0) return 1;
  *high |= _mm_movemask_epi8(bytes);
  *nul |= _mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_setzero_si128()));
  intptr_t fields = *fields_io, field_start = *field_start_io;
  CSV_SPLIT_TAKE_COMMAS(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(','))));
  *fields_io = fields;
  *field_start_io = field_start;
  return 0;
}

static intptr_t split_sse2(const uint8_t *line, intptr_t count, intptr_t *starts, intptr_t *ends, int *found) {
  intptr_t fields = 0, field_start = 0, offset = 0;
  int high = 0, nul = 0;
  for (; offset + 16 <= count; offset += 16) {
    if (split_sse2_step(line, offset, starts, ends, &fields, &field_start, &high, &nul)) {
      return split_quoted_sse2(line, offset, count, starts, ends, fields, field_start, high, nul, found);
    }
  }
  *found = (high ? CSV_SPLIT_NON_ASCII : 0) | (nul ? CSV_SPLIT_NUL : 0);
  return split_tail(line, offset, count, starts, ends, fields, field_start, found, split_quoted_sse2);
}

__attribute__((target("avx2"))) static intptr_t split_avx2(const uint8_t *line, intptr_t count, intptr_t *starts,
                                                            intptr_t *ends, int *found) {
  const __m256i comma = _mm256_set1_epi8(','), quote = _mm256_set1_epi8('"'), carriage = _mm256_set1_epi8('\r');
  const __m256i zero = _mm256_setzero_si256();
  intptr_t fields = 0, field_start = 0, offset = 0;
  int high = 0, nul = 0;
  for (; offset + 32 <= count; offset += 32) {
    __m256i bytes = _mm256_loadu_si256((const __m256i *)(line + offset));
    __m256i stops = _mm256_or_si256(_mm256_cmpeq_epi8(bytes, quote), _mm256_cmpeq_epi8(bytes, carriage));
    if (_mm256_movemask_epi8(stops) != 0) {
      return split_quoted_avx2(line, offset, count, starts, ends, fields, field_start, high, nul, found);
    }
    high |= _mm256_movemask_epi8(bytes);
    nul |= _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, zero));
    CSV_SPLIT_TAKE_COMMAS(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, comma)));
  }
  /* The last 16 to 31 bytes: one SSE2 step before the bytes one at a time. */
  if (offset + 16 <= count) {
    if (split_sse2_step(line, offset, starts, ends, &fields, &field_start, &high, &nul)) {
      return split_quoted_avx2(line, offset, count, starts, ends, fields, field_start, high, nul, found);
    }
    offset += 16;
  }
  *found = (high ? CSV_SPLIT_NON_ASCII : 0) | (nul ? CSV_SPLIT_NUL : 0);
  return split_tail(line, offset, count, starts, ends, fields, field_start, found, split_quoted_avx2);
}
#endif

static intptr_t count_newlines_scalar(const uint8_t *bytes, intptr_t count) {
  intptr_t lines = 0;
  for (intptr_t i = 0; i < count; i++) lines += bytes[i] == '\n';
  return lines;
}

#ifdef CSV_SPLIT_X86
__attribute__((target("avx2,popcnt"))) static intptr_t count_newlines_avx2(const uint8_t *bytes, intptr_t count) {
  const __m256i newline = _mm256_set1_epi8('\n');
  intptr_t lines = 0, offset = 0;
  for (; offset + 32 <= count; offset += 32) {
    __m256i chunk = _mm256_loadu_si256((const __m256i *)(bytes + offset));
    lines += __builtin_popcount((uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(chunk, newline)));
  }
  return lines + count_newlines_scalar(bytes + offset, count - offset);
}

static intptr_t count_newlines_sse2(const uint8_t *bytes, intptr_t count) {
  const __m128i newline = _mm_set1_epi8('\n');
  intptr_t lines = 0, offset = 0;
  for (; offset + 16 <= count; offset += 16) {
    __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + offset));
    lines += __builtin_popcount((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, newline)));
  }
  return lines + count_newlines_scalar(bytes + offset, count - offset);
}
#endif

intptr_t csv_count_newlines(const uint8_t *bytes, intptr_t count) {
#ifdef CSV_SPLIT_X86
  if (__builtin_cpu_supports("avx2")) return count_newlines_avx2(bytes, count);
  return count_newlines_sse2(bytes, count);
#else
  return count_newlines_scalar(bytes, count);
#endif
}

typedef intptr_t (*splitter)(const uint8_t *, intptr_t, intptr_t *, intptr_t *, int *);

static splitter chosen_splitter(void) {
#ifdef CSV_SPLIT_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return split_avx2;
  return split_sse2;
#else
  return split_scalar;
#endif
}

static splitter chosen;

intptr_t csv_split_line(const uint8_t *line, intptr_t count, intptr_t *starts, intptr_t *ends, int *found) {
  /* A race here only chooses the same function twice. */
  splitter split = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
  if (split == NULL) {
    split = chosen_splitter();
    __atomic_store_n(&chosen, split, __ATOMIC_RELAXED);
  }
  return split(line, count, starts, ends, found);
}

intptr_t csv_split_line_using(int implementation, const uint8_t *line, intptr_t count, intptr_t *starts,
                              intptr_t *ends, int *found) {
#ifdef CSV_SPLIT_X86
  __builtin_cpu_init();
  if (implementation == CSV_SPLIT_USING_AVX2 && __builtin_cpu_supports("avx2")) return split_avx2(line, count, starts, ends, found);
  if (implementation == CSV_SPLIT_USING_SSE2) return split_sse2(line, count, starts, ends, found);
#endif
  (void)implementation;
  return split_scalar(line, count, starts, ends, found);
}

const char *csv_split_implementation(void) {
  splitter split = chosen_splitter();
#ifdef CSV_SPLIT_X86
  if (split == split_avx2) return "avx2";
  if (split == split_sse2) return "sse2";
#endif
  (void)split;
  return "scalar";
}
