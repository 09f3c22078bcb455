#include "batch/input_list.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

#include "core/errors.h"

namespace platen::batch {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Path without its last extension, '/'-separated: "a/b/page.tif" → "a/b/page".
std::string without_extension(const fs::path& relative) {
  fs::path p = relative;
  p.replace_extension();
  return p.generic_string();
}

/// (device, inode) of a folder, to notice a folder reached twice through links.
using FolderId = std::pair<dev_t, ino_t>;

void walk(const fs::path& dir, const fs::path& relative, const std::string& prefix,
          const std::string& skip_dir, std::set<FolderId>& seen, std::vector<BatchInput>& inputs,
          std::vector<WalkProblem>& problems) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    problems.push_back({dir.string(), "cannot read folder '" + dir.string() + "': " + std::error_code(errno, std::generic_category()).message()});
    return;
  }
  if (!seen.insert({st.st_dev, st.st_ino}).second) {
    problems.push_back({dir.string(), "folder '" + dir.string() +
                                          "' was reached again through a symbolic link (a loop?): not walked twice"});
    return;
  }
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    problems.push_back({dir.string(), "cannot read folder '" + dir.string() + "': " + ec.message()});
    return;
  }
  std::vector<fs::path> entries;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    entries.push_back(it->path());
  }
  if (ec) problems.push_back({dir.string(), "cannot read all of folder '" + dir.string() + "': " + ec.message()});
  std::sort(entries.begin(), entries.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().native() < b.filename().native(); });
  for (const fs::path& entry : entries) {
    const fs::path name = entry.filename();
    std::error_code type_ec;
    const fs::file_status status = fs::status(entry, type_ec);  // follows links
    if (type_ec) {
      if (fs::is_symlink(fs::symlink_status(entry, type_ec)))
        problems.push_back({entry.string(), "'" + entry.string() + "' is a broken symbolic link: skipped"});
      continue;
    }
    if (fs::is_directory(status)) {
      if (name == ".platen") continue;
      if (!skip_dir.empty()) {
        std::error_code cec;
        const fs::path canonical = fs::canonical(entry, cec);
        if (!cec && canonical.string() == skip_dir) continue;
      }
      walk(entry, relative / name, prefix, skip_dir, seen, inputs, problems);
    } else if (fs::is_regular_file(status) && has_page_extension(name.string())) {
      inputs.push_back({entry.string(), prefix + without_extension(relative / name)});
    }
  }
}

}  // namespace

bool has_page_extension(const std::string& path) {
  static const std::set<std::string> kExtensions = {".tif", ".tiff", ".png", ".jpg", ".jpeg",
                                                    ".jp2", ".j2k", ".pnm", ".pbm", ".pgm",
                                                    ".ppm", ".bmp", ".gif", ".webp", ".pdf"};
  return kExtensions.count(lower(fs::path(path).extension().string())) > 0;
}

void walk_folder(const std::string& root, const std::string& prefix, const std::string& skip_dir,
                 std::vector<BatchInput>& inputs, std::vector<WalkProblem>& problems) {
  std::set<FolderId> seen;
  walk(fs::path(root), fs::path(), prefix, skip_dir, seen, inputs, problems);
}

std::string single_output_stem(const std::string& path) {
  if (path == "-") return "stdin";
  return fs::path(path).stem().string();
}

std::string mirrored_output_stem(const std::string& path, const std::string& base) {
  const fs::path absolute = fs::absolute(path).lexically_normal();
  const fs::path absolute_base = fs::absolute(base.empty() ? "." : base).lexically_normal();
  const fs::path relative = absolute.lexically_relative(absolute_base);
  if (relative.empty() || *relative.begin() == ".." || relative == ".")
    throw UsageError("'" + path + "' is not inside the --base folder '" + (base.empty() ? "." : base) +
                     "' (default: the current folder), so its output cannot mirror it; give --base a folder that holds every listed file");
  return without_extension(relative);
}

std::vector<BatchInput> build_input_list(const std::vector<std::string>& positional,
                                         const std::vector<std::string>& listed, const std::string& base,
                                         bool recursive, const std::string& output_dir,
                                         std::vector<WalkProblem>& problems) {
  std::string skip_dir;
  if (!output_dir.empty()) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(output_dir, ec);
    if (!ec) skip_dir = canonical.string();
  }
  std::size_t roots = 0;
  for (const std::string& p : positional) {
    std::error_code ec;
    if (recursive && p != "-" && fs::is_directory(p, ec)) ++roots;
  }
  std::vector<BatchInput> inputs;
  for (const std::string& p : positional) {
    std::error_code ec;
    if (recursive && p != "-" && fs::is_directory(p, ec)) {
      std::string prefix;
      if (roots > 1) {
        fs::path name = fs::absolute(p).lexically_normal();
        if (!name.has_filename()) name = name.parent_path();
        prefix = name.filename().string() + "/";
      }
      walk_folder(p, prefix, skip_dir, inputs, problems);
    } else {
      inputs.push_back({p, single_output_stem(p)});
    }
  }
  // Mirrored only where there is an output folder to mirror into.
  for (const std::string& p : listed)
    inputs.push_back({p, output_dir.empty() ? single_output_stem(p) : mirrored_output_stem(p, base)});
  return inputs;
}

void check_distinct_outputs(const std::vector<BatchInput>& inputs, const std::string& extension) {
  std::map<std::string, const BatchInput*> seen;
  for (const BatchInput& input : inputs) {
    auto [it, inserted] = seen.emplace(input.output_stem, &input);
    if (!inserted) {
      auto name = [](const std::string& p) { return p == "-" ? std::string("standard input") : p; };
      throw UsageError("'" + name(it->second->path) + "' and '" + name(input.path) + "' would both be written to " +
                       input.output_stem + extension +
                       "; rename one, read their folder with -r, list them with --files-from (mirrored), or run them separately with different -o folders");
    }
  }
}

}  // namespace platen::batch
