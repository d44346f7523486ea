#ifndef ROLEHOP_CCURLLOADER_H
#define ROLEHOP_CCURLLOADER_H
// libcurl is opened with dlopen at the first HTTP exchange, not linked: resolving it and its ~35 transitive
// libraries took about half of the instructions of an offline `rolehop chain`. <curl/curl.h> is included for its
// types and constants only; every function below goes through a pointer found with dlsym.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <stddef.h>

// Opens libcurl once per process (pthread_once) and runs curl_global_init; returns 1 when usable, else 0.
// The library is $ROLEHOP_LIBCURL when set and non-empty, else "libcurl.so.4" found the dynamic loader's way
// (the executable's RUNPATH first, which is how the portable archive finds its bundled copy).
int rh_curl_load(void);
// Starts rh_curl_load on a detached thread and returns at once: a live command overlaps libcurl's load (~35
// libraries, about 5 ms) with reading its config, token and policies. A later rh_curl_load() waits for it.
void rh_curl_load_in_background(void);
// Why rh_curl_load failed (dlerror() text or the missing symbol); "" when it did not.
const char *rh_curl_load_error(void);
// The file name or path rh_curl_load tried.
const char *rh_curl_library(void);

// Until rh_curl_load has returned 1 these fail safely: CURLE_FAILED_INIT, CURLM_INTERNAL_ERROR or NULL.
CURL *rh_curl_easy_init(void);
void rh_curl_easy_cleanup(CURL *h);
CURLcode rh_curl_easy_perform(CURL *h);
const char *rh_curl_easy_strerror(CURLcode code);
struct curl_slist *rh_curl_slist_append(struct curl_slist *list, const char *s);
void rh_curl_slist_free_all(struct curl_slist *list);
CURLM *rh_curl_multi_init(void);
CURLMcode rh_curl_multi_cleanup(CURLM *m);
CURLMcode rh_curl_multi_add_handle(CURLM *m, CURL *h);
CURLMcode rh_curl_multi_remove_handle(CURLM *m, CURL *h);
CURLMcode rh_curl_multi_perform(CURLM *m, int *running);
CURLMcode rh_curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int nfds, int timeout_ms, int *numfds);
CURLMsg *rh_curl_multi_info_read(CURLM *m, int *left);

// curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind.
CURLcode rh_curl_setopt_long(CURL *h, CURLoption o, long v);
// String options (libcurl copies the string).
CURLcode rh_curl_setopt_string(CURL *h, CURLoption o, const char *v);
// Pointer options (slists, userdata, error buffers).
CURLcode rh_curl_setopt_pointer(CURL *h, CURLoption o, void *v);
// The write/header callbacks, whose C function-pointer type Swift cannot pass through `...`.
typedef size_t (*rh_curl_write_fn)(char *ptr, size_t size, size_t nmemb, void *userdata);
CURLcode rh_curl_setopt_write(CURL *h, CURLoption o, rh_curl_write_fn f);
// The progress (xferinfo) callback, used to honour cancellation.
typedef int (*rh_curl_xferinfo_fn)(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
CURLcode rh_curl_setopt_xferinfo(CURL *h, CURLoption o, rh_curl_xferinfo_fn f);
// A curl_off_t argument (CURLOPT_POSTFIELDSIZE_LARGE, MAXFILESIZE_LARGE).
CURLcode rh_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v);
// curl_easy_getinfo is variadic too: the long, off_t, string and certinfo results rolehop reads.
CURLcode rh_curl_getinfo_long(CURL *h, CURLINFO i, long *v);
CURLcode rh_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v);
CURLcode rh_curl_getinfo_string(CURL *h, CURLINFO i, char **v);
CURLcode rh_curl_getinfo_certinfo(CURL *h, CURLINFO i, struct curl_certinfo **v);

// Swift has no portable atomics without the Synchronization module's newer deployment targets; these two give
// the cancel flag shared between a Swift task and libcurl's progress callback a proper atomic access.
static inline void rh_atomic_set_flag(int *flag) { __atomic_store_n(flag, 1, __ATOMIC_SEQ_CST); }
static inline _Bool rh_atomic_get_flag(int *flag) { return __atomic_load_n(flag, __ATOMIC_SEQ_CST) != 0; }
#endif
