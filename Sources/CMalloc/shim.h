#ifndef ROLEHOP_CMALLOC_SHIM_H
#define ROLEHOP_CMALLOC_SHIM_H
// glibc's malloc tuning (<malloc.h>, which the Glibc module does not include): see HeapSettings.swift.
#include <malloc.h>

// mallopt(M_TRIM_THRESHOLD, bytes); 1 on success, 0 on failure (as mallopt).
static inline int rolehop_set_trim_threshold(int bytes) { return mallopt(M_TRIM_THRESHOLD, bytes); }
#endif
