#include "training/base_mix.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>

#include "core/errors.h"
#include "core/model_location.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "image/pix.h"
#include "recognition/alphabet.h"
#include "training/line_renderer.h"
#include "training/line_sample.h"
#include "training/text_corpus.h"

namespace platen {

namespace fs = std::filesystem;

std::string default_base_font_list() {
  std::string tried;
  for (const std::string& dir : shipped_model_dirs()) {
    const fs::path p = fs::path(dir) / "training-fonts.txt";
    if (fs::exists(p)) return p.string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  throw DataError("no list of the base model's training faces found (looked for " +
                  (tried.empty() ? std::string("training-fonts.txt beside the shipped models") : tried) +
                  "); give one with --base-fonts, or --no-base-mix");
}

std::vector<std::string> read_font_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DataError("cannot read font list '" + path + "'");
  std::vector<std::string> fonts;
  for (std::string line; std::getline(in, line);) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
    if (b != std::string::npos) fonts.push_back(line.substr(b, e - b + 1));
  }
  return fonts;
}

std::size_t render_base_lines(const std::vector<std::string>& fonts, std::size_t count, std::uint32_t seed,
                              const std::string& folder, const std::function<void(const std::string&)>& log) {
  std::vector<std::string> usable;
  for (const std::string& f : fonts)
    if (fs::exists(f)) usable.push_back(f);
  if (usable.size() < fonts.size())
    log("base-like lines: " + std::to_string(fonts.size() - usable.size()) + " of " + std::to_string(fonts.size()) +
        " training faces are not installed and are left out");
  if (usable.empty()) throw DataError("no training face is installed to render base-like lines in");

  std::ostringstream want;
  want << "count " << count << "\nseed " << seed << "\n";
  for (const std::string& f : usable) want << f << "\n";
  const fs::path stamp = fs::path(folder) / "base-lines.txt";
  {
    std::ifstream in(stamp);
    std::stringstream have;
    have << in.rdbuf();
    if (in && have.str() == want.str()) {
      std::size_t n = 0;
      for (const auto& entry : fs::directory_iterator(folder))
        n += entry.path().extension() == ".png";
      return n;
    }
  }

  std::error_code ec;
  fs::create_directories(folder, ec);
  if (!fs::is_directory(folder)) throw DataError("cannot create the folder of base-like lines '" + folder + "'");
  fs::remove(stamp, ec);

  // Text: Debian's fortunes and word lists in every language of the alphabet, with generated
  // dates, amounts and abbreviations: the shipped recipe's corpus without the real lines.
  CorpusOptions corpus_options;
  corpus_options.lines = std::max<std::size_t>(2 * count, 2000);
  corpus_options.seed = seed;
  const Corpus corpus = build_corpus(corpus_options, Alphabet::standard());
  if (corpus.lines.empty()) throw DataError("no corpus line for base-like lines: are fortunes and hunspell installed?");
  std::vector<std::u32string> texts;
  for (const std::string& l : corpus.lines) texts.push_back(utf8_to_utf32(l));

  tbb::enumerable_thread_specific<LineRenderers> per_thread([&] { return open_line_renderers(usable); });
  std::atomic<std::size_t> written{0};
  std::mutex error_mutex;
  std::string first_error;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 16), [&](const tbb::blocked_range<std::size_t>& range) {
    LineRenderers& renderers = per_thread.local();
    for (std::size_t i = range.begin(); i != range.end(); ++i) {
      try {
        std::seed_seq seq{seed, static_cast<std::uint32_t>(i), 0xba5eu};
        std::mt19937 rng(seq);
        int font = -1;
        const std::u32string* text = nullptr;
        for (int attempt = 0; attempt < 20 && font < 0; ++attempt) {
          text = &texts[rng() % texts.size()];
          font = covering_font(renderers, *text, rng);
        }
        if (font < 0) continue;
        LineStyle style = sample_line_style(rng);
        const GreyImage image = renderers[font]->render(*text, style, rng);
        char name[32];
        std::snprintf(name, sizeof name, "%06zu", i);
        write_line_sample(image, *text, (fs::path(folder) / name).string());
        ++written;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
      }
    }
  });
  if (!first_error.empty()) throw DataError("rendering base-like lines into '" + folder + "': " + first_error);
  std::ofstream out(stamp, std::ios::trunc);
  out << want.str();
  if (!out) throw DataError("cannot write '" + stamp.string() + "'");
  return written;
}

}  // namespace platen
