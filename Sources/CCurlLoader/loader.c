#include "CCurlLoader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The libcurl functions rolehop calls, filled by load_once.
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
} fn;

// Written once inside pthread_once, read only after it: pthread_once orders the two.
static int loaded;
static char load_error[1024];
static char library[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load_once(void) {
    const char *path = getenv("ROLEHOP_LIBCURL");
    if (path == NULL || path[0] == '\0') path = "libcurl.so.4";
    snprintf(library, sizeof library, "%s", path);
    // RTLD_LOCAL: libcurl's symbols (and OpenSSL's, which it pulls in) stay out of the global namespace.
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error, "%s", e != NULL ? e : "dlopen failed");
        return;
    }
    // POSIX's idiom for turning dlsym's void * into a function pointer.
#define RH_SYM(field, name)                                                                                  \
    do {                                                                                                     \
        *(void **)(&fn.field) = dlsym(h, name);                                                              \
        if (fn.field == NULL) {                                                                              \
            snprintf(load_error, sizeof load_error, "%s has no %s (rolehop needs libcurl 7.66 or newer)", path, \
                     name);                                                                                  \
            memset(&fn, 0, sizeof fn);                                                                       \
            dlclose(h);                                                                                      \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)
    RH_SYM(global_init, "curl_global_init");
    RH_SYM(easy_init, "curl_easy_init");
    RH_SYM(easy_cleanup, "curl_easy_cleanup");
    RH_SYM(easy_setopt, "curl_easy_setopt");
    RH_SYM(easy_getinfo, "curl_easy_getinfo");
    RH_SYM(easy_perform, "curl_easy_perform");
    RH_SYM(easy_strerror, "curl_easy_strerror");
    RH_SYM(slist_append, "curl_slist_append");
    RH_SYM(slist_free_all, "curl_slist_free_all");
    RH_SYM(multi_init, "curl_multi_init");
    RH_SYM(multi_cleanup, "curl_multi_cleanup");
    RH_SYM(multi_add_handle, "curl_multi_add_handle");
    RH_SYM(multi_remove_handle, "curl_multi_remove_handle");
    RH_SYM(multi_perform, "curl_multi_perform");
    RH_SYM(multi_poll, "curl_multi_poll");
    RH_SYM(multi_info_read, "curl_multi_info_read");
#undef RH_SYM
    // curl_global_init must run once before any thread uses libcurl; this is that once.
    CURLcode rc = fn.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed (%s)", fn.easy_strerror(rc));
        return;
    }
    loaded = 1;
}

static void *load_in_background(void *unused) {
    (void)unused;
    pthread_once(&once, load_once);
    return NULL;
}

void rh_curl_load_in_background(void) {
    pthread_t thread;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    // If no thread can be started, the first rh_curl_load() loads on the caller's thread as before.
    (void)pthread_create(&thread, &attr, load_in_background, NULL);
    pthread_attr_destroy(&attr);
}

int rh_curl_load(void) {
    pthread_once(&once, load_once);
    return loaded;
}

const char *rh_curl_load_error(void) {
    pthread_once(&once, load_once);
    return load_error;
}

const char *rh_curl_library(void) {
    pthread_once(&once, load_once);
    return library;
}

CURL *rh_curl_easy_init(void) { return loaded ? fn.easy_init() : NULL; }
void rh_curl_easy_cleanup(CURL *h) { if (loaded) fn.easy_cleanup(h); }
CURLcode rh_curl_easy_perform(CURL *h) { return loaded ? fn.easy_perform(h) : CURLE_FAILED_INIT; }
const char *rh_curl_easy_strerror(CURLcode code) { return loaded ? fn.easy_strerror(code) : "libcurl is not loaded"; }
struct curl_slist *rh_curl_slist_append(struct curl_slist *list, const char *s) {
    return loaded ? fn.slist_append(list, s) : NULL;
}
void rh_curl_slist_free_all(struct curl_slist *list) { if (loaded) fn.slist_free_all(list); }
CURLM *rh_curl_multi_init(void) { return loaded ? fn.multi_init() : NULL; }
CURLMcode rh_curl_multi_cleanup(CURLM *m) { return loaded ? fn.multi_cleanup(m) : CURLM_INTERNAL_ERROR; }
CURLMcode rh_curl_multi_add_handle(CURLM *m, CURL *h) { return loaded ? fn.multi_add_handle(m, h) : CURLM_INTERNAL_ERROR; }
CURLMcode rh_curl_multi_remove_handle(CURLM *m, CURL *h) {
    return loaded ? fn.multi_remove_handle(m, h) : CURLM_INTERNAL_ERROR;
}
CURLMcode rh_curl_multi_perform(CURLM *m, int *running) {
    return loaded ? fn.multi_perform(m, running) : CURLM_INTERNAL_ERROR;
}
CURLMcode rh_curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int nfds, int timeout_ms, int *numfds) {
    return loaded ? fn.multi_poll(m, fds, nfds, timeout_ms, numfds) : CURLM_INTERNAL_ERROR;
}
CURLMsg *rh_curl_multi_info_read(CURLM *m, int *left) { return loaded ? fn.multi_info_read(m, left) : NULL; }

CURLcode rh_curl_setopt_long(CURL *h, CURLoption o, long v) { return loaded ? fn.easy_setopt(h, o, v) : CURLE_FAILED_INIT; }
CURLcode rh_curl_setopt_string(CURL *h, CURLoption o, const char *v) {
    return loaded ? fn.easy_setopt(h, o, v) : CURLE_FAILED_INIT;
}
CURLcode rh_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return loaded ? fn.easy_setopt(h, o, v) : CURLE_FAILED_INIT; }
CURLcode rh_curl_setopt_write(CURL *h, CURLoption o, rh_curl_write_fn f) {
    return loaded ? fn.easy_setopt(h, o, f) : CURLE_FAILED_INIT;
}
CURLcode rh_curl_setopt_xferinfo(CURL *h, CURLoption o, rh_curl_xferinfo_fn f) {
    return loaded ? fn.easy_setopt(h, o, f) : CURLE_FAILED_INIT;
}
CURLcode rh_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return loaded ? fn.easy_setopt(h, o, v) : CURLE_FAILED_INIT; }
CURLcode rh_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return loaded ? fn.easy_getinfo(h, i, v) : CURLE_FAILED_INIT; }
CURLcode rh_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return loaded ? fn.easy_getinfo(h, i, v) : CURLE_FAILED_INIT; }
CURLcode rh_curl_getinfo_string(CURL *h, CURLINFO i, char **v) { return loaded ? fn.easy_getinfo(h, i, v) : CURLE_FAILED_INIT; }
CURLcode rh_curl_getinfo_certinfo(CURL *h, CURLINFO i, struct curl_certinfo **v) {
    return loaded ? fn.easy_getinfo(h, i, v) : CURLE_FAILED_INIT;
}
