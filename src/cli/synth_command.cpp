// `ocr synth`: renders degraded typewritten lines for training (tesstrain layout: NNNNNN.png +
// NNNNNN.gt.txt), with --pages whole A4 pages with their ground truth (for page benchmarks),
// or, with --make-corpus, writes the text corpus those lines are drawn from.
// Option parsing only; the work is in training/line_renderer, page_renderer and text_corpus.

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "image/pix.h"
#include "recognition/alphabet.h"
#include "training/base_mix.h"
#include "training/line_renderer.h"
#include "training/line_sample.h"
#include "training/page_renderer.h"
#include "training/text_corpus.h"

namespace platen::cli {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: ocr synth --font F.ttf [--font G.otf ...] --text CORPUS.txt --count N --out DIR\n"
    "                 [--seed S] [--clean] [--height PX] [--threads N]\n"
    "       ocr synth --pages --font-list F --text CORPUS.txt --count N --out DIR\n"
    "                 [--languages eng,deu,...] [--page-format png|tif|jpg] [--seed S] [--clean]\n"
    "                 [--threads N]\n"
    "       ocr synth --make-corpus OUT.txt [--corpus-lines N] [--gt-dir DIR ...] [--seed S]\n"
    "                 [--corpus-language CODE]\n"
    "\n"
    "Renders N text lines, each in a font picked at random among those that have all its\n"
    "glyphs, degraded like a typewritten archive scan (uneven strikes, ribbon grain, clogged and\n"
    "broken type, blur, paper, noise, JPEG, low resolution, carbon copies), into\n"
    "DIR/NNNNNN.png + DIR/NNNNNN.gt.txt (NFC text). Line i depends only on --seed and i, not on\n"
    "the number of threads. DIR/synth-log.tsv records the font and size of every line.\n"
    "With --pages, renders N A4 pages at 300 dpi instead (one face, one language per page, 10-12 pt\n"
    "type, typewriter margins and spacing, small skew, the same damage): DIR/page-NNNN.png (or .tif, .jpg) +\n"
    "DIR/page-NNNN.gt.txt (the lines top to bottom) and DIR/languages.tsv (page, Tesseract language).\n"
    "With --make-corpus, writes a corpus (one line per line) from the installed fortunes and\n"
    "Hunspell word lists, the real transcriptions under --gt-dir, and generated dates, amounts\n"
    "and abbreviations, filtered to the model alphabet. With --corpus-language, only that\n"
    "language's sources and the transcriptions of its documents go in: the text for its\n"
    "language model (ocr lm).\n"
    "\n"
    "Examples:\n"
    "  ocr synth --font-list scripts/fonts.txt --text corpus.txt --count 30000 --out synth/\n"
    "  ocr synth --make-corpus corpus.txt --gt-dir ../shared/datasets/typewritten/train/lines\n"
    "  ocr synth --make-corpus ces.txt --corpus-language ces --corpus-lines 100000 \\\n"
    "            --gt-dir ../shared/datasets/typewritten/train/lines\n";

/// JPEG quality of rendered pages in --page-format jpg: that of archives' access copies.
constexpr int kPageJpegQuality = 90;

/// Everything the command line said.
struct SynthArgs {
  std::vector<std::string> fonts;
  std::string text, out, make_corpus;
  std::vector<std::string> gt_dirs;
  std::string fortune_dir, hunspell_dir;
  std::string corpus_language;  ///< as given (Tesseract or ISO 639-1 code); empty = all
  long long count = 0;
  std::size_t corpus_lines = 200000;
  std::uint32_t seed = 1;
  bool clean = false;
  bool pages = false;      ///< whole pages instead of lines
  std::string languages;   ///< --pages: comma-separated language codes to keep ("" = all)
  std::string page_format = "png";  ///< --pages: png, tif (uncompressed) or jpg
  int height = -1;  ///< -1 = the style's own (48 px)
  int threads = 0;  ///< 0 = all cores
};

/// Font paths from a list file (platen::read_font_list); a list that cannot be read is a
/// usage error of this command.
std::vector<std::string> font_list_of(const std::string& path) {
  try {
    return read_font_list(path);
  } catch (const DataError& e) {
    throw UsageError(e.what());
  }
}

int make_corpus(const SynthArgs& args) {
  CorpusOptions options;
  options.lines = args.corpus_lines;
  options.seed = args.seed;
  options.ground_truth_dirs = args.gt_dirs;
  options.language = args.corpus_language;
  if (!args.fortune_dir.empty()) options.fortune_dir = args.fortune_dir;
  if (!args.hunspell_dir.empty()) options.hunspell_dir = args.hunspell_dir;
  const Corpus corpus = build_corpus(options, Alphabet::standard());
  write_text_lines(args.make_corpus, corpus.lines);
  for (const auto& note : corpus.notes) std::cerr << "ocr synth: note: " << note << "\n";
  std::cerr << "ocr synth: wrote " << corpus.lines.size() << " lines to " << args.make_corpus << " (";
  bool first = true;
  for (const auto& [source, n] : corpus.lines_by_source) {
    std::cerr << (first ? "" : ", ") << source << " " << n;
    first = false;
  }
  std::cerr << ")\n";
  return 0;
}

/// CPU time of the calling thread, ns: the per-core cost of rendering, which wall-clock time
/// would overstate whenever other processes share the cores.
long long thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

/// One finished line, for the log.
struct LineRecord {
  bool written = false;
  int font = -1;
  double x_height = 0;
};

/// Opens every font once up front, so that a bad path is reported before any work.
void check_fonts(const SynthArgs& args) {
  for (const auto& f : args.fonts) {
    try {
      LineRenderer probe(f);
    } catch (const DataError& e) {
      throw UsageError(e.what());
    }
  }
}

/// The corpus lines made only of the model alphabet (after fit_to_alphabet), UTF-8.
std::vector<std::string> read_fitted_corpus(const std::string& path) {
  const Alphabet alphabet = Alphabet::standard();
  std::vector<std::string> lines;
  std::size_t rejected = 0;
  for (const auto& line : read_text_lines(path)) {
    if (auto fitted = fit_to_alphabet(line, alphabet)) {
      lines.push_back(std::move(*fitted));
    } else {
      ++rejected;
    }
  }
  if (lines.empty())
    throw DataError("'" + path + "' has no line made only of the model alphabet's characters");
  if (rejected)
    std::cerr << "ocr synth: skipped " << rejected << " corpus lines with characters outside the alphabet\n";
  return lines;
}

/// Creates the output folder (and its parents). Throws DataError when it cannot.
void make_output_folder(const std::string& out) {
  std::error_code ec;
  fs::create_directories(out, ec);
  if (!fs::is_directory(out)) throw DataError("cannot create output folder '" + out + "'");
}

/// Digits of the file numbers for `count` files: at least `min_digits`, more when needed.
int number_digits(long long count, int min_digits) {
  int digits = min_digits;
  long long limit = 1;
  for (int i = 0; i < min_digits; ++i) limit *= 10;
  for (long long n = count - 1; n >= limit; n /= 10) ++digits;
  return digits;
}

/// Caps TBB's worker threads at `threads` while the result lives; none when `threads` ≤ 0.
std::unique_ptr<tbb::global_control> thread_limit(int threads) {
  if (threads <= 0) return nullptr;
  return std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
}

int render_lines(const SynthArgs& args) {
  check_fonts(args);
  std::vector<std::u32string> texts;
  for (const auto& line : read_fitted_corpus(args.text)) texts.push_back(utf8_to_utf32(line));

  make_output_folder(args.out);

  // Lines go through the corpus in a seeded random order, so a short run still mixes sources.
  std::vector<std::size_t> order(texts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  {
    std::mt19937 rng(args.seed ^ 0x9e3779b9u);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  }

  const int digits = number_digits(args.count, 6);
  const std::unique_ptr<tbb::global_control> limit = thread_limit(args.threads);
  tbb::enumerable_thread_specific<LineRenderers> per_thread([&] { return open_line_renderers(args.fonts); });
  std::vector<LineRecord> records(static_cast<std::size_t>(args.count));
  std::atomic<long long> done{0};
  std::atomic<long long> render_ns{0};  ///< CPU time spent rendering and degrading, all threads
  std::mutex error_mutex;
  std::string first_error;
  const auto start = std::chrono::steady_clock::now();

  tbb::parallel_for(tbb::blocked_range<long long>(0, args.count, 16), [&](const tbb::blocked_range<long long>& range) {
    LineRenderers& renderers = per_thread.local();
    for (long long i = range.begin(); i != range.end(); ++i) {
      try {
        // Everything about line i comes from this generator: text, font, style, noise.
        std::seed_seq seq{args.seed, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32), 0x5e7du};
        std::mt19937 rng(seq);
        const std::u32string* text = &texts[order[static_cast<std::size_t>(i) % order.size()]];
        int font = -1;
        for (int attempt = 0; attempt < 20 && font < 0; ++attempt) {
          if (attempt > 0) text = &texts[rng() % texts.size()];
          font = covering_font(renderers, *text, rng);
        }
        if (font < 0) continue;  // counted as skipped below
        LineStyle style = args.clean ? LineStyle::clean() : sample_line_style(rng);
        if (args.height >= 0) style.output_height = args.height;
        const long long t0 = thread_cpu_ns();
        const GreyImage image = renderers[font]->render(*text, style, rng);
        render_ns += thread_cpu_ns() - t0;

        char name[32];
        std::snprintf(name, sizeof name, "%0*lld", digits, i);
        write_line_sample(image, *text, (fs::path(args.out) / name).string());
        records[static_cast<std::size_t>(i)] = {true, font, style.x_height};
        const long long n = ++done;
        if (n % 1000 == 0) std::cerr << "\rocr synth: " << n << " / " << args.count << std::flush;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
      }
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (done >= 1000) std::cerr << "\n";

  std::ofstream log(fs::path(args.out) / "synth-log.tsv", std::ios::trunc);
  log << "line\tfont\tx_height_px\n";
  for (std::size_t i = 0; i < records.size(); ++i)
    if (records[i].written)
      log << i << '\t' << args.fonts[records[i].font] << '\t' << records[i].x_height << '\n';

  const long long skipped = args.count - done;
  std::cerr << "ocr synth: wrote " << done << " lines to " << args.out << " in " << seconds << " s ("
            << (seconds > 0 ? done / seconds : 0) << " lines/s; rendering alone "
            << (render_ns > 0 ? done * 1e9 / static_cast<double>(render_ns.load()) : 0.0)
            << " lines/s per core)\n";
  if (skipped > 0) {
    std::cerr << "ocr synth: " << skipped << " line numbers left empty: "
              << (first_error.empty() ? "no font has every glyph of the lines tried" : first_error) << "\n";
    return 1;
  }
  return 0;
}

/// Splits "eng,deu, rus" at commas and spaces.
std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  std::string item;
  for (char c : list + ",") {
    if (c == ',' || c == ' ') {
      if (!item.empty()) items.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return items;
}

int render_pages(const SynthArgs& args) {
  check_fonts(args);
  const PageCorpus corpus(read_fitted_corpus(args.text), split_list(args.languages));
  make_output_folder(args.out);
  const int digits = number_digits(args.count, 4);
  const std::unique_ptr<tbb::global_control> limit = thread_limit(args.threads);
  tbb::enumerable_thread_specific<LineRenderers> per_thread([&] { return open_line_renderers(args.fonts); });
  PageOptions options;
  options.clean = args.clean;

  /// What the logs keep of a page.
  struct PageRecord {
    std::string name, language;
    int font = -1;
    double x_height = 0, pitch = 0, skew = 0;
    std::size_t lines = 0;
  };
  std::vector<PageRecord> records(static_cast<std::size_t>(args.count));
  std::atomic<long long> done{0};
  std::mutex error_mutex;
  std::string first_error;
  const auto start = std::chrono::steady_clock::now();
  tbb::parallel_for(tbb::blocked_range<long long>(0, args.count, 1), [&](const tbb::blocked_range<long long>& range) {
    LineRenderers& renderers = per_thread.local();
    std::vector<LineRenderer*> fonts;
    for (auto& r : renderers) fonts.push_back(r.get());
    for (long long i = range.begin(); i != range.end(); ++i) {
      try {
        // Page i depends only on the seed and i, not on the number of threads.
        std::seed_seq seq{args.seed, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32), 0x9a9eu};
        std::mt19937 rng(seq);
        const RenderedPage page = render_page(corpus, fonts, options, rng);
        char name[32];
        std::snprintf(name, sizeof name, "page-%0*lld", digits, i);
        const fs::path base = fs::path(args.out) / name;
        PixPtr pix = pix_from_grey_image(page.image);
        const std::string image_path = base.string() + "." + args.page_format;
        bool written = false;
        if (pix && args.page_format == "png") {
          pixSetZlibCompression(pix.get(), 1);
          written = pixWrite(image_path.c_str(), pix.get(), IFF_PNG) == 0;
        } else if (pix && args.page_format == "tif") {
          written = pixWrite(image_path.c_str(), pix.get(), IFF_TIFF) == 0;
        } else if (pix) {
          written = pixWriteJpeg(image_path.c_str(), pix.get(), kPageJpegQuality, 0) == 0;
        }
        if (!written) throw DataError("cannot write '" + image_path + "'");
        std::ofstream gt(base.string() + ".gt.txt", std::ios::binary | std::ios::trunc);
        for (const auto& line : page.lines) gt << line << '\n';
        if (!gt) throw DataError("cannot write '" + base.string() + ".gt.txt'");
        records[static_cast<std::size_t>(i)] = {name, page.language, page.font, page.x_height,
                                                page.line_pitch, page.skew_deg, page.lines.size()};
        ++done;
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
      }
    }
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::ofstream languages(fs::path(args.out) / "languages.tsv", std::ios::trunc);
  languages << "# page\tTesseract language (guessed from the page's letters and words)\n";
  std::ofstream log(fs::path(args.out) / "synth-log.tsv", std::ios::trunc);
  log << "page\tfont\tx_height_px\tline_pitch_px\tskew_deg\tlanguage\tlines\n";
  for (const auto& r : records) {
    if (r.font < 0) continue;
    languages << r.name << '\t' << r.language << '\n';
    log << r.name << '\t' << args.fonts[static_cast<std::size_t>(r.font)] << '\t' << r.x_height << '\t' << r.pitch
        << '\t' << r.skew << '\t' << r.language << '\t' << r.lines << '\n';
  }
  if (!languages || !log) throw DataError("cannot write the logs in '" + args.out + "'");
  std::cerr << "ocr synth: wrote " << done << " pages to " << args.out << " in " << seconds << " s\n";
  if (done < args.count) {
    std::cerr << "ocr synth: " << args.count - done << " pages not written: " << first_error << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_synth(int argc, char** argv) {
  SynthArgs args;
  po::options_description desc("Options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("font", po::value<std::vector<std::string>>(&args.fonts), "font file (TrueType, OpenType, Type 1); repeatable")
    ("font-list", po::value<std::string>(), "file listing font files, one per line ('#' comments)")
    ("text", po::value<std::string>(&args.text), "corpus: UTF-8 text, one line per line")
    ("count", po::value<long long>(&args.count), "number of lines to render")
    ("out", po::value<std::string>(&args.out), "output folder (created if missing; files of the same names are overwritten)")
    ("seed", po::value<std::uint32_t>(&args.seed)->default_value(1), "random seed; same seed, same lines")
    ("clean", po::bool_switch(&args.clean), "render crisp, undegraded lines (black on white, no noise)")
    ("pages", po::bool_switch(&args.pages), "render whole A4 pages (300 dpi) with ground truth; --count counts pages")
    ("page-format", po::value<std::string>(&args.page_format)->default_value("png"), "with --pages: image format, png, tif (uncompressed, as archival masters) or jpg (quality 90)")
    ("languages", po::value<std::string>(&args.languages), "with --pages: languages to keep, comma-separated (eng deu fra ces dan slk pol hun rus ukr bel bul)")
    ("height", po::value<int>(&args.height), "output height in px (default 48, as the real line set; 0 = scan size)")
    ("threads", po::value<int>(&args.threads)->default_value(0), "worker threads (0 = all cores)")
    ("make-corpus", po::value<std::string>(&args.make_corpus), "write a text corpus to this file and exit")
    ("corpus-lines", po::value<std::size_t>(&args.corpus_lines)->default_value(200000), "generated corpus lines (ground truth comes on top; 0 = the --gt-dir transcriptions only)")
    ("gt-dir", po::value<std::vector<std::string>>(&args.gt_dirs), "folder of real *.gt.txt training lines to include; repeatable")
    ("fortune-dir", po::value<std::string>(&args.fortune_dir), "fortune files (default /usr/share/games/fortunes)")
    ("hunspell-dir", po::value<std::string>(&args.hunspell_dir), "Hunspell dictionaries (default /usr/share/hunspell)")
    ("corpus-language", po::value<std::string>(&args.corpus_language), "with --make-corpus: one language only (eng deu fra ces dan slk pol hun rus ukr bel bul)");
  // clang-format on
  return run_with_exit_status("ocr synth", [&] {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kUsage << "\n" << desc << "\n";
      return 0;
    }
    if (vm.count("font-list")) {
      auto more = font_list_of(vm["font-list"].as<std::string>());
      args.fonts.insert(args.fonts.end(), more.begin(), more.end());
    }
    if (!args.make_corpus.empty()) {
      if (!args.out.empty() || !args.fonts.empty() || vm.count("count"))
        throw UsageError("--make-corpus writes a corpus only; run rendering (--font, --count, --out) separately");
      if (args.corpus_lines == 0 && args.gt_dirs.empty())
        throw UsageError("--corpus-lines 0 leaves only the transcriptions, and no --gt-dir is given");
      if (vm.count("corpus-language") && corpus_language_code(args.corpus_language).empty()) {
        std::string known;
        for (const auto& code : corpus_languages()) known += " " + code;
        throw UsageError("--corpus-language '" + args.corpus_language + "' is not one of" + known);
      }
      for (const auto& dir : args.gt_dirs)
        if (!fs::is_directory(dir)) throw UsageError("--gt-dir '" + dir + "' is not a folder");
      return make_corpus(args);
    }
    if (vm.count("corpus-language")) throw UsageError("--corpus-language only goes with --make-corpus");
    if (args.fonts.empty()) throw UsageError("no font given: use --font FILE (or --font-list FILE)");
    if (args.text.empty()) throw UsageError("no corpus given: use --text FILE (make one with --make-corpus)");
    if (args.out.empty()) throw UsageError("no output folder given: use --out DIR");
    if (!fs::is_regular_file(args.text)) throw UsageError("corpus file '" + args.text + "' does not exist");
    if (!vm.count("count") || args.count <= 0) throw UsageError("--count must be a positive number of lines");
    if (!args.pages && vm.count("languages")) throw UsageError("--languages applies to --pages only");
    if (args.height > 2000 || (vm.count("height") && args.height < 0))
      throw UsageError("--height must be between 0 and 2000 px");
    if (args.threads < 0) throw UsageError("--threads must be 0 (all cores) or more");
    if (args.pages && vm.count("height")) throw UsageError("--height applies to lines, not to --pages");
    if (!args.pages && !vm["page-format"].defaulted()) throw UsageError("--page-format applies to --pages only");
    if (args.page_format != "png" && args.page_format != "tif" && args.page_format != "jpg")
      throw UsageError("--page-format must be png, tif or jpg");
    return args.pages ? render_pages(args) : render_lines(args);
  });
}

}  // namespace platen::cli
