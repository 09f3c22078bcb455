#include "batch/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace platen::batch {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  std::string host(name);
  for (char& c : host)
    if (c == '/') c = '_';
  return host;
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot write the resume journal '" + path + "': " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string journal_folder(const std::string& output_dir) { return (fs::path(output_dir) / ".platen").string(); }

JournalWriter::JournalWriter(const std::string& output_dir) {
  const std::string folder = journal_folder(output_dir);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error("cannot create the resume journal folder '" + folder + "': " + ec.message());
  path_ = folder + "/journal-" + host_name() + "-" + std::to_string(::getpid());
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);  // read: its last byte
  if (fd_ < 0) throw Error("cannot open the resume journal '" + path_ + "': " + std::strerror(errno));
  // A journal of an earlier process with the same pid may end in a torn record: start on a
  // line of our own, so that our first record is not glued to it.
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && st.st_size > 0) {
    char last = '\n';
    if (::pread(fd_, &last, 1, st.st_size - 1) == 1 && last != '\n') write_all(fd_, "\n", path_);
  }
  // The folder entry itself must survive a crash too.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::append(const JournalRecord& record) {
  write_all(fd_, journal_line(record), path_);
  if (::fsync(fd_) != 0) throw Error("cannot sync the resume journal '" + path_ + "': " + std::strerror(errno));
}

std::string journal_line(const JournalRecord& record) {
  json outputs = json::array();
  for (const OutputRecord& o : record.outputs) outputs.push_back({{"path", o.path}, {"size", o.size}, {"sha256", o.sha256}, {"format", o.format}});
  const json line = {{"key", record.key},
                     {"input", record.input},
                     {"size", record.identity.size},
                     {"mtime_ns", record.identity.mtime_ns},
                     {"hash", record.identity.hash},
                     {"settings", record.settings},
                     {"outputs", outputs}};
  return line.dump() + "\n";
}

bool parse_journal_line(const std::string& line, JournalRecord& record) {
  const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return false;
  try {
    record.key = j.at("key").get<std::string>();
    record.input = j.at("input").get<std::string>();
    record.identity.size = j.at("size").get<std::uint64_t>();
    record.identity.mtime_ns = j.at("mtime_ns").get<std::int64_t>();
    record.identity.hash = j.at("hash").get<std::string>();
    record.settings = j.at("settings").get<std::string>();
    record.outputs.clear();
    for (const json& o : j.at("outputs"))
      record.outputs.push_back({o.at("path").get<std::string>(), o.at("size").get<std::uint64_t>(),
                                o.at("sha256").get<std::string>(), o.value("format", std::string())});
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

std::multimap<std::string, JournalRecord> read_journals(const std::string& output_dir) {
  std::multimap<std::string, JournalRecord> records;
  const fs::path folder = journal_folder(output_dir);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return records;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().filename().string().rfind("journal-", 0) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) throw Error("cannot read the resume journal '" + entry.path().string() + "'");
    std::string line;
    while (std::getline(in, line)) {
      JournalRecord record;
      if (parse_journal_line(line, record)) records.emplace(record.key, std::move(record));
    }
  }
  if (ec) throw Error("cannot read the resume journal folder '" + folder.string() + "': " + ec.message());
  return records;
}

}  // namespace platen::batch
