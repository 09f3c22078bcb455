#pragma once
// RAII ownership of Leptonica's reference-counted Pix. Every Pix Platen touches is held by a
// PixPtr from the moment it is created, so no path leaks, early returns and throws included.

#include <leptonica/allheaders.h>

#include <memory>

namespace platen {

/// Deleter that drops one Leptonica reference (pixDestroy), so clones are safe to own.
struct PixDeleter {
  void operator()(Pix* pix) const {
    if (pix) pixDestroy(&pix);
  }
};

/// Owning handle to one reference of a Pix.
using PixPtr = std::unique_ptr<Pix, PixDeleter>;

/// Takes ownership of a freshly returned Pix (may be null).
inline PixPtr adopt(Pix* pix) { return PixPtr(pix); }

/// A new reference to `pix` (pixClone): shares the pixels; treat both as read-only.
inline PixPtr share(Pix* pix) { return PixPtr(pix ? pixClone(pix) : nullptr); }

}  // namespace platen
