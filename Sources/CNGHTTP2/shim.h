#ifndef CERTPACK_CNGHTTP2_SHIM_H
#define CERTPACK_CNGHTTP2_SHIM_H

/* HTTP/2 comes from the system's libnghttp2 (Debian: libnghttp2-dev). Without its
   headers the build stops here with what to do, not with a bare "file not found". */
#if !__has_include(<nghttp2/nghttp2.h>)
#error "libnghttp2's headers are missing: run scripts/install-system-packages.sh (or: sudo apt-get install libnghttp2-dev)"
#endif

#include <nghttp2/nghttp2.h>

#endif
