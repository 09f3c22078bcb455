#include "image/stream_input.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/errors.h"

namespace platen {

double stream_timeout_seconds() {
  const char* value = std::getenv("PLATEN_STREAM_TIMEOUT");
  if (value && *value) {
    const double seconds = std::atof(value);
    if (seconds > 0) return seconds;
  }
  return 60.0;
}

bool is_stream_input(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  return S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode);
}

std::vector<std::uint8_t> read_stream(const std::string& path, const std::string& name, double timeout_seconds) {
  const bool standard_input = path == "-";
  // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
  const int fd = standard_input ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw ImageError("cannot read image '" + name + "': cannot open it (" + std::strerror(errno) + ")");
  struct Closer {
    int fd;
    bool close_it;
    ~Closer() { if (close_it) ::close(fd); }
  } closer{fd, !standard_input};
  std::vector<std::uint8_t> bytes;
  std::uint8_t buffer[1 << 16];
  const int timeout_ms = static_cast<int>(timeout_seconds * 1000.0);
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw ImageError("cannot read image '" + name + "': " + std::strerror(errno));
    }
    if (ready == 0) {
      std::ostringstream msg;
      msg << "cannot read image '" << name << "': " << (bytes.empty() ? "no data came" : "no more data came")
          << " for " << timeout_seconds << " s (" << bytes.size()
          << " bytes read); is the program writing to it still running?";
      throw ImageError(msg.str());
    }
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      bytes.insert(bytes.end(), buffer, buffer + n);
      continue;
    }
    if (n == 0) {
      // End of data; a FIFO whose writer has not yet come reads 0 too, but poll() does not
      // report it readable until a writer has come and gone.
      if (p.revents & (POLLHUP | POLLIN)) break;
      continue;
    }
    if (errno == EAGAIN || errno == EINTR) continue;
    throw ImageError("cannot read image '" + name + "': read error (" + std::strerror(errno) + ")");
  }
  return bytes;
}

}  // namespace platen
