#ifndef ROLEHOP_CLIBCRYPTO_SHIM_H
#define ROLEHOP_CLIBCRYPTO_SHIM_H
// OpenSSL 3's libcrypto (the one libcurl already loads). The low-level SHA*_Init/Update/Final are deprecated
// in 3.0 but are still exported and are the cheapest path for the small inputs of SigV4: a plain struct
// context Swift can copy (HMAC pads), no provider fetch, no allocation. Suppress the deprecation attributes so
// the Swift importer does not warn on every use.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

// EVP_PKEY_PUBLIC_KEY is an or of two other macros, which the Swift importer does not evaluate.
static inline int rolehop_evp_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }
#endif
