#pragma once
// One exception type per failure kind, so the pipeline can catch at the page boundary
// and the CLI can map each to a message and an exit status.

#include <stdexcept>
#include <string>

namespace platen {

/// Base of every error Platen throws; what() is a complete sentence for the user.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An input image that cannot be read: missing, not an image, truncated, too large.
class ImageError : public Error {
 public:
  using Error::Error;
};

/// A model file that is missing, truncated, corrupt or of another format version.
class ModelError : public Error {
 public:
  using Error::Error;
};

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
