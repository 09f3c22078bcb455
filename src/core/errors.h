#pragma once
// One exception type per failure kind, so the pipeline can catch at the page boundary
// and the CLI can map each to a message and an exit status.

#include <stdexcept>
#include <string>

#include "platen/errors.h"  // Error, ImageError, ModelError: public, thrown to library callers

namespace platen {

/// A bad command-line option or argument combination (exit status 2).
class UsageError : public Error {
 public:
  using Error::Error;
};

/// Training data that cannot be used (no lines found, unreadable ground truth).
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace platen
