/* The floor under every live rolehop command: a process that only loads Debian's libcurl (with its ~35
 * dependent libraries) and initialises it, as CurlTransport does before its first request. bench.py compiles
 * it with cc and reports its wall time, CPU and peak RSS beside rolehop's, so the part of rolehop's figures
 * that is libcurl's own is visible. */
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "libcurl_floor: %s\n", dlerror());
        return 1;
    }
    long (*global_init)(long) = (long (*)(long))dlsym(lib, "curl_global_init");
    if (global_init == NULL || global_init(3 /* CURL_GLOBAL_DEFAULT */) != 0) {
        fprintf(stderr, "libcurl_floor: curl_global_init failed\n");
        return 1;
    }
    return 0;
}
