#include "batch/output_folder.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "batch/stop_signals.h"
#include "core/errors.h"

namespace platen::batch {

namespace fs = std::filesystem;

namespace {

/// The temp slot registered and the file removed on every way out of a failed write.
struct TempFile {
  std::string path;
  int slot = -1;
  int fd = -1;
  bool keep = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!keep) ::unlink(path.c_str());
    unregister_temp_file(slot);
  }
};

constexpr const char* kTempMarker = ".platen-tmp-";

}  // namespace

std::string write_failure_reason(int error_number) {
  const std::string system = std::strerror(error_number);
  switch (error_number) {
    case ENOSPC: return "the disk is full (" + system + ")";
    case EDQUOT: return "the disk quota is used up (" + system + ")";
    case EACCES:
    case EPERM: return "permission denied (" + system + ")";
    case EROFS: return "the file system is read-only (" + system + ")";
    default: return system;
  }
}

void check_output_folder(const std::string& dir, std::uint64_t min_free) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw UsageError("cannot use output folder '" + dir + "': it exists and is not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw UsageError("cannot create output folder '" + dir + "': " + write_failure_reason(ec.value()));
  if (!fs::is_directory(dir, ec)) throw UsageError("cannot use output folder '" + dir + "': it is not a folder");
  const std::string probe = (fs::path(dir) / (".platen-write-test-" + std::to_string(::getpid()))).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw UsageError("cannot write in output folder '" + dir + "': " + write_failure_reason(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (free_bytes < min_free)
      throw UsageError("output folder '" + dir + "' has only " + std::to_string(free_bytes >> 20) +
                       " MiB free; a batch needs at least " + std::to_string(min_free >> 20) +
                       " MiB: free some space or choose another folder");
  }
}

std::string temp_path_for(const std::string& path) {
  const fs::path p(path);
  return (p.parent_path() / ("." + p.filename().string() + kTempMarker + std::to_string(::getpid()))).string();
}

void write_output_file(const std::string& path, const std::string& content) {
  auto fail = [&](int error_number) -> void {
    throw Error("cannot write '" + path + "': " + write_failure_reason(error_number));
  };
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw Error("cannot write '" + path + "': cannot create its folder: " + write_failure_reason(ec.value()));
  }
  TempFile temp;
  temp.path = temp_path_for(path);
  temp.slot = register_temp_file(temp.path);
  temp.fd = ::open(temp.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (temp.fd < 0) {
    temp.keep = true;  // nothing was created
    fail(errno);
  }
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(temp.fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(temp.fd) != 0) fail(errno);
  const int closed = ::close(temp.fd);
  temp.fd = -1;
  if (closed != 0) fail(errno);
  if (::rename(temp.path.c_str(), path.c_str()) != 0) fail(errno);
  temp.keep = true;
}

namespace {

/// Whether `name` is `planned` with "-" and at least 4 digits inserted before one of its dots.
bool is_numbered_page_of(const std::string& name, const std::string& planned) {
  for (std::size_t dot = planned.find('.'); dot != std::string::npos; dot = planned.find('.', dot + 1)) {
    const std::string head = planned.substr(0, dot) + "-", tail = planned.substr(dot);
    if (name.size() < head.size() + 4 + tail.size()) continue;
    if (name.compare(0, head.size(), head) != 0) continue;
    if (name.compare(name.size() - tail.size(), tail.size(), tail) != 0) continue;
    const std::string digits = name.substr(head.size(), name.size() - head.size() - tail.size());
    if (digits.find_first_not_of("0123456789") == std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::size_t remove_stale_temp_files(const std::vector<std::string>& paths, bool numbered_pages) {
  std::map<fs::path, std::set<std::string>> names_by_folder;
  for (const std::string& path : paths) {
    const fs::path p(path);
    names_by_folder[p.parent_path()].insert(p.filename().string());
  }
  std::size_t removed = 0;
  for (const auto& [folder, names] : names_by_folder) {
    std::error_code ec;
    const fs::path dir = folder.empty() ? fs::path(".") : folder;
    if (!fs::is_directory(dir, ec)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      const std::size_t marker = name.rfind(kTempMarker);
      if (name.empty() || name[0] != '.' || marker == std::string::npos || marker < 1) continue;
      const std::string original = name.substr(1, marker - 1);
      bool ours = names.count(original) > 0;
      if (!ours && numbered_pages)
        for (const std::string& planned : names)
          if ((ours = is_numbered_page_of(original, planned))) break;
      if (!ours) continue;
      std::error_code rec;
      if (fs::remove(entry.path(), rec)) ++removed;
    }
  }
  return removed;
}

}  // namespace platen::batch
