#include "CFieldSplitting.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CSV_SPLIT_X86 1
#endif

/* The bytes after the last whole vector, one at a time. `fields` and `field_start` carry
   on from the vector loop. */
static inline intptr_t split_tail(const uint8_t *line, intptr_t offset, intptr_t count, intptr_t *starts,
                                  intptr_t *ends, intptr_t fields, intptr_t field_start, int *found) {
  int seen = *found;
  for (; offset < count; offset++) {
    uint8_t byte = line[offset];
    if (byte == '"' || byte == '\r') {
      *found = seen | CSV_SPLIT_NOT_BARE;
      return 0;
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

__attribute__((unused)) static intptr_t split_scalar(const uint8_t *line, intptr_t count, intptr_t *starts, intptr_t *ends, int *found) {
  *found = 0;
  return split_tail(line, 0, count, starts, ends, 0, 0, found);
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

#ifdef CSV_SPLIT_X86
/* One 16-byte step at `*offset`: its commas taken, its high bytes and NULs noted. Returns 0,
   or 1 at a quote or carriage return (the line is not bare). Shared by the SSE2 loop and the
   AVX2 loop's last 16 to 31 bytes. */
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
      *found = CSV_SPLIT_NOT_BARE;
      return 0;
    }
  }
  *found = (high ? CSV_SPLIT_NON_ASCII : 0) | (nul ? CSV_SPLIT_NUL : 0);
  return split_tail(line, offset, count, starts, ends, fields, field_start, found);
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
      *found = CSV_SPLIT_NOT_BARE;
      return 0;
    }
    high |= _mm256_movemask_epi8(bytes);
    nul |= _mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, zero));
    CSV_SPLIT_TAKE_COMMAS(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, comma)));
  }
  /* The last 16 to 31 bytes: one SSE2 step before the bytes one at a time. */
  if (offset + 16 <= count) {
    if (split_sse2_step(line, offset, starts, ends, &fields, &field_start, &high, &nul)) {
      *found = CSV_SPLIT_NOT_BARE;
      return 0;
    }
    offset += 16;
  }
  *found = (high ? CSV_SPLIT_NON_ASCII : 0) | (nul ? CSV_SPLIT_NUL : 0);
  return split_tail(line, offset, count, starts, ends, fields, field_start, found);
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

intptr_t csv_split_bare_line(const uint8_t *line, intptr_t count, intptr_t *starts, intptr_t *ends, int *found) {
  /* A race here only chooses the same function twice. */
  splitter split = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
  if (split == NULL) {
    split = chosen_splitter();
    __atomic_store_n(&chosen, split, __ATOMIC_RELAXED);
  }
  return split(line, count, starts, ends, found);
}

intptr_t csv_split_bare_line_using(int implementation, const uint8_t *line, intptr_t count, intptr_t *starts,
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
