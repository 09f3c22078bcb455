#pragma once
// PLATEN_API marks what libplaten.so exports: the library is built with hidden visibility, so
// only the public types and functions of these headers are visible to a caller.

#if defined(PLATEN_STATIC)
#define PLATEN_API
#else
#define PLATEN_API __attribute__((visibility("default")))
#endif
