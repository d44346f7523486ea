#ifndef ROLEHOP_CCURL_SHIM_H
#define ROLEHOP_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind.
static inline CURLcode rh_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt for string options (libcurl copies the string).
static inline CURLcode rh_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt for pointer options (slists, userdata, error buffers).
static inline CURLcode rh_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
// Variadic setopt for the write/header callbacks, whose C function-pointer type Swift cannot pass through `...`.
typedef size_t (*rh_curl_write_fn)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode rh_curl_setopt_write(CURL *h, CURLoption o, rh_curl_write_fn f) { return curl_easy_setopt(h, o, f); }
// Variadic setopt for the progress (xferinfo) callback, used to honour cancellation.
typedef int (*rh_curl_xferinfo_fn)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode rh_curl_setopt_xferinfo(CURL *h, CURLoption o, rh_curl_xferinfo_fn f) { return curl_easy_setopt(h, o, f); }
// curl_easy_setopt with a curl_off_t argument (CURLOPT_POSTFIELDSIZE_LARGE, MAXFILESIZE_LARGE).
static inline CURLcode rh_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
// curl_easy_getinfo is variadic: typed wrappers for the long, double, off_t, string and slist results we read.
static inline CURLcode rh_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode rh_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode rh_curl_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode rh_curl_getinfo_certinfo(CURL *h, CURLINFO i, struct curl_certinfo **v) { return curl_easy_getinfo(h, i, v); }
// Swift has no portable atomics without the Synchronization module's newer deployment targets; these two give
// the cancel flag shared between a Swift task and libcurl's progress callback a proper atomic access.
static inline void rh_atomic_set_flag(int *flag) { __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST); }
static inline _Bool rh_atomic_get_flag(int *flag) { return __atomic_load_n(flag, __ATOMIC_SEQ_CST) != 0; }
#endif
