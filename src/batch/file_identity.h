#pragma once
// What makes an input "the same file" for --resume, and SHA-256 digests (OpenSSL's libcrypto)
// for that identity, for the report's fixity field and for the outputs recorded in the journal.

#include <cstdint>
#include <string>

namespace platen::batch {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

/// Lower-case hex SHA-256 of a whole file, read in blocks. Throws Error naming the file.
std::string sha256_of_file(const std::string& path);

/// An input's identity for --resume: size, modification time and a content hash.
struct FileIdentity {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  ///< modification time, ns since the epoch
  /// SHA-256 (hex) of the first and last MiB (the whole file when it is at most 2 MiB), or of
  /// the whole file when `whole` — "ends:" or "whole:" in front, so the two never compare equal.
  std::string hash;

  bool operator==(const FileIdentity& other) const {
    return size == other.size && mtime_ns == other.mtime_ns && hash == other.hash;
  }
};

/// The identity of the file at `path`; `whole` hashes every byte (--resume-hash). Throws Error
/// naming the file when it cannot be read.
FileIdentity identify_file(const std::string& path, bool whole);

}  // namespace platen::batch
