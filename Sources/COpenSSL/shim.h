#ifndef CERTPACKMOCK_COPENSSL_SHIM_H
#define CERTPACKMOCK_COPENSSL_SHIM_H

// OpenSSL 3 (Debian bookworm's 3.0) for the TLS transport and the certificates made at start-up.
#if !__has_include(<openssl/ssl.h>)
#error "OpenSSL's headers are missing: install them with `sudo apt-get install -y libssl-dev` (Debian/Ubuntu), then build again."
#endif

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bn.h>
#include <openssl/rand.h>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "CertPackMock needs OpenSSL 3 or later (Debian bookworm: libssl-dev 3.0)."
#endif

// What follows wraps OpenSSL macros (SSL_ctrl calls, 64-bit option bits, variadic
// key generation, STACK_OF helpers) that Swift cannot import, each as one call.

static inline int cpm_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int cpm_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/// No renegotiation (TLS 1.2 and older: a client's ClientHello gets a no_renegotiation alert), no compression (CRIME).
static inline void cpm_SSL_CTX_set_server_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
}

/// Idle connections give their read and write buffers back (about 34 KiB each).
static inline void cpm_SSL_CTX_set_release_buffers(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

static inline long cpm_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

static inline long cpm_SSL_CTX_sess_set_cache_size(SSL_CTX *ctx, long size) {
    return SSL_CTX_sess_set_cache_size(ctx, size);
}

/// The server's ALPN choice. `arg` points at the server's list in wire format, preceded by
/// one byte with that list's length; the context owns it. RFC 7301 §3.2: a client that offers
/// ALPN without any protocol we speak gets the `no_application_protocol` alert; a client that
/// offers none is not called here (and gets HTTP/1.1).
static inline int cpm_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                  const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl;
    const unsigned char *server = (const unsigned char *)arg;
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, server + 1, server[0], in, inlen) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

static inline void cpm_SSL_CTX_set_alpn_server_protocols(SSL_CTX *ctx, const unsigned char *lengthPrefixedList) {
    SSL_CTX_set_alpn_select_cb(ctx, cpm_alpn_select, (void *)lengthPrefixedList);
}

/// Takes its own reference to `certificate`.
static inline int cpm_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return (int)SSL_CTX_add1_chain_cert(ctx, certificate);
}

static inline EVP_PKEY *cpm_EVP_PKEY_generate_P256(void) {
    return EVP_EC_gen("P-256");
}

static inline GENERAL_NAMES *cpm_GENERAL_NAMES_new(void) {
    return sk_GENERAL_NAME_new_null();
}

static inline int cpm_GENERAL_NAMES_push(GENERAL_NAMES *names, GENERAL_NAME *name) {
    return sk_GENERAL_NAME_push(names, name);
}

static inline int cpm_GENERAL_NAMES_count(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}

static inline const GENERAL_NAME *cpm_GENERAL_NAMES_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}

static inline long cpm_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

static inline int cpm_BIO_reset(BIO *bio) {
    return (int)BIO_reset(bio);
}

static inline int cpm_MBSTRING_ASC(void) { return MBSTRING_ASC; }

#endif
