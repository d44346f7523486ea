#ifndef ROLEHOP_CZLIB_SHIM_H
#define ROLEHOP_CZLIB_SHIM_H
// No shims needed: deflateInit2_/inflateInit2_ and crc32 are plain C functions Swift can call directly (the
// deflateInit2/inflateInit2 macros are spelled out at the call site with ZLIB_VERSION and the stream size).
#include <zlib.h>
#endif
