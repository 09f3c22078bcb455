#pragma once
// The exceptions Platen throws. Every message is a complete sentence for the user: it names the
// file (and page) concerned and says what to try; it never names options of the `ocr` command.

#include <stdexcept>
#include <string>

#include "platen/export.h"

namespace platen {

/// Base of every error Platen throws.
class PLATEN_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

/// An input image that cannot be read: missing, not an image, truncated, damaged, too large.
class PLATEN_API ImageError : public Error {
 public:
  using Error::Error;
  ~ImageError() override;
};

/// A model or language-model file that is missing, truncated, corrupt or of another format
/// version, or settings the model cannot run with (e.g. int8 for an uncalibrated model).
class PLATEN_API ModelError : public Error {
 public:
  using Error::Error;
  ~ModelError() override;
};

}  // namespace platen
