#include "batch/file_identity.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core/errors.h"

namespace platen::batch {

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

/// A SHA-256 digest being fed.
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw Error("cannot start a SHA-256 digest (libcrypto)");
  }
  void add(const void* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    static const char* kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
      out += kDigits[digest[i] >> 4];
      out += kDigits[digest[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

/// An open file descriptor, closed on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error("cannot read '" + path + "' to identify it: " + what);
}

/// Feeds bytes [offset, offset + size) of `fd` to `digest`.
void hash_range(int fd, const std::string& path, std::uint64_t offset, std::uint64_t size, Sha256& digest) {
  std::vector<char> buffer(kMiB);
  while (size > 0) {
    const ssize_t n = ::pread(fd, buffer.data(), std::min<std::uint64_t>(size, buffer.size()), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, std::strerror(errno));
    }
    if (n == 0) fail(path, "it became shorter while being read");
    digest.add(buffer.data(), static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::uint64_t>(n);
  }
}

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  Sha256 digest;
  digest.add(bytes.data(), bytes.size());
  return digest.hex();
}

std::string sha256_of_file(const std::string& path) {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) fail(path, std::strerror(errno));
  Sha256 digest;
  hash_range(file.fd, path, 0, static_cast<std::uint64_t>(st.st_size), digest);
  return digest.hex();
}

FileIdentity identify_file(const std::string& path, bool whole) {
  Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) fail(path, std::strerror(errno));
  FileIdentity id;
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  Sha256 digest;
  if (whole || id.size <= 2 * kMiB) {
    hash_range(file.fd, path, 0, id.size, digest);
  } else {
    hash_range(file.fd, path, 0, kMiB, digest);
    hash_range(file.fd, path, id.size - kMiB, kMiB, digest);
  }
  id.hash = std::string(whole ? "whole:" : "ends:") + digest.hex();
  return id;
}

}  // namespace platen::batch
