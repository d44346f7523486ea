#ifndef ROLEHOP_CLIBCRYPTO_SHIM_H
#define ROLEHOP_CLIBCRYPTO_SHIM_H
// OpenSSL 3's libcrypto (the one libcurl loads), opened with dlopen on first use rather than linked: only SigV4
// signing and token verification need it, and linking it would cost every offline command its load (about
// 3,400 relocations and 1.6 MiB of resident memory). The headers give the types; the functions come from the
// table below.
//
// The low-level SHA*_Init/Update/Final are deprecated in 3.0 but are still exported and are the cheapest path
// for the small inputs of SigV4: a plain struct context Swift can copy (HMAC pads), no provider fetch, no
// allocation. OPENSSL_SUPPRESS_DEPRECATED keeps the importer from warning on them.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <dlfcn.h>
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

// Every libcrypto function rolehop calls.
#define ROLEHOP_CRYPTO_FUNCTIONS(X) \
    X(SHA1_Init) X(SHA1_Update) X(SHA1_Final) \
    X(SHA256_Init) X(SHA256_Update) X(SHA256_Final) \
    X(SHA384_Init) X(SHA384_Update) X(SHA384_Final) \
    X(SHA512_Init) X(SHA512_Update) X(SHA512_Final) \
    X(OSSL_PARAM_BLD_new) X(OSSL_PARAM_BLD_free) X(OSSL_PARAM_BLD_push_utf8_string) \
    X(OSSL_PARAM_BLD_push_octet_string) X(OSSL_PARAM_BLD_to_param) X(OSSL_PARAM_free) \
    X(BN_bin2bn) X(BN_free) \
    X(RSA_new) X(RSA_free) X(RSA_set0_key) X(RSA_size) X(RSA_public_decrypt) \
    X(EVP_PKEY_CTX_new_from_name) X(EVP_PKEY_CTX_new_from_pkey) X(EVP_PKEY_CTX_free) \
    X(EVP_PKEY_fromdata_init) X(EVP_PKEY_fromdata) X(EVP_PKEY_public_check) \
    X(EVP_PKEY_free) \
    X(EVP_MD_CTX_new) X(EVP_MD_CTX_free) X(EVP_DigestVerifyInit) X(EVP_DigestVerify) \
    X(EVP_sha256) X(EVP_sha384) X(EVP_sha512) \
    X(ERR_clear_error)

// One non-null pointer per function, typed from its declaration (__typeof__ does not reference the symbol).
struct rolehop_crypto {
#define ROLEHOP_CRYPTO_FIELD(f) __typeof__(&f) _Nonnull f;
    ROLEHOP_CRYPTO_FUNCTIONS(ROLEHOP_CRYPTO_FIELD)
#undef ROLEHOP_CRYPTO_FIELD
};

// Opens libcrypto.so.3 (found like a linked library: the executable's RUNPATH, then the system) and fills
// `table`. Returns 0 on success, else the dlerror() text.
static inline const char *_Nullable rolehop_crypto_load(struct rolehop_crypto *_Nonnull table) {
    void *handle = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!handle) return dlerror();
#define ROLEHOP_CRYPTO_RESOLVE(f) \
    table->f = (__typeof__(&f))dlsym(handle, #f); \
    if (!table->f) return "libcrypto.so.3 lacks " #f " (OpenSSL 3 is required)";
    ROLEHOP_CRYPTO_FUNCTIONS(ROLEHOP_CRYPTO_RESOLVE)
#undef ROLEHOP_CRYPTO_RESOLVE
    return 0;
}

// EVP_PKEY_PUBLIC_KEY is an or of two other macros, which the Swift importer does not evaluate.
static inline int rolehop_evp_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }
#endif
