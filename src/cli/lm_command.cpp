// `ocr lm`: builds one language pack (lang-<code>.lm: character n-grams and a word list) from
// text files, for the beam search of `ocr -l CODE`. Option parsing and reporting only; the
// model is recognition/char_ngram_model's, the text filter training/text_corpus's.

#include <boost/program_options.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/errors.h"
#include "core/text.h"
#include "recognition/alphabet.h"
#include "recognition/language_pack.h"
#include "training/text_corpus.h"

namespace platen::cli {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr const char* kUsage =
    "Usage: ocr lm --lang CODE --text FILE [--text FILE ...] --out lang-CODE.lm\n"
    "              [--order N] [--min-word-count N] [--min-ngram-count N] [--held-out FILE ...]\n"
    "\n"
    "Builds the language model `ocr -l CODE` decodes with: a character n-gram model\n"
    "(interpolated Witten-Bell) and a word list, trained on UTF-8 text files, one line per\n"
    "line. Lines are NFC-normalised and their typographic variants folded to the model\n"
    "alphabet's (… → ...); a line still holding a character outside the alphabet is left\n"
    "out. The file must be called lang-CODE.lm and sit beside the model file (models/ for the\n"
    "shipped model) to be found; CODE 'all' is the pack used when no -l is given.\n"
    "With --held-out, prints the bits per character the new model needs for other text (lower\n"
    "is better): the measure for choosing --order and the amount of text.\n"
    "\n"
    "Examples:\n"
    "  ocr synth --make-corpus ces.txt --corpus-language ces --gt-dir train/lines\n"
    "  ocr lm --lang ces --text ces.txt --out models/lang-ces.lm\n"
    "  ocr lm --lang deu --text letters.txt --text reports.txt --order 6 --out models/lang-deu.lm\n"
    "  ocr lm --lang fra --text fra.txt --held-out fra-dev.txt --out /tmp/lang-fra.lm\n"
    "  scripts/build-language-models    (all shipped languages, from Debian's text packages)\n";

/// Everything the command line said.
struct LmArgs {
  std::string language, out;
  std::vector<std::string> texts, held_out;
  int order = 5;
  int min_word_count = 2;
  int min_ngram_count = 1;
};

/// A code that can stand in a file name and a `-l` list: lower-case letters, digits, '_'.
bool valid_code(const std::string& code) {
  if (code.empty() || code.size() > 16) return false;
  for (char c : code)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

/// Lines of `paths` fitted to `alphabet`; `dropped` counts the lines that did not fit.
std::vector<std::u32string> read_fitted(const std::vector<std::string>& paths, const Alphabet& alphabet,
                                        std::size_t& dropped) {
  std::vector<std::u32string> lines;
  for (const auto& path : paths)
    for (const auto& line : read_text_lines(path)) {
      if (auto fitted = fit_to_alphabet(line, alphabet)) {
        lines.push_back(utf8_to_utf32(*fitted));
      } else {
        ++dropped;
      }
    }
  return lines;
}

/// Cross-entropy of `lines` under `model` in bits per predicted symbol, each line's end
/// counted as one symbol (it is predicted too); `symbols` receives their number.
double bits_per_char(const CharLanguageModel& model, const std::vector<std::u32string>& lines,
                     std::size_t& symbols) {
  double nats = 0;
  symbols = 0;
  for (const auto& line : lines) {
    const std::u32string_view view(line);
    for (std::size_t i = 0; i <= line.size(); ++i) {
      nats -= model.log_prob(view.substr(0, i), i < line.size() ? line[i] : CharLanguageModel::kLineEnd);
      ++symbols;
    }
  }
  return symbols ? nats / static_cast<double>(symbols) / std::log(2.0) : 0.0;
}

std::string megabytes(std::uintmax_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

int build(const LmArgs& args) {
  const Alphabet alphabet = Alphabet::standard();
  const auto start = std::chrono::steady_clock::now();
  std::size_t dropped = 0;
  const std::vector<std::u32string> lines = read_fitted(args.texts, alphabet, dropped);
  if (lines.empty())
    throw DataError("no line of the text files is made only of the model alphabet's characters");
  std::size_t chars = 0;
  for (const auto& l : lines) chars += l.size();

  const LanguagePack pack =
      LanguagePack::train(args.language, lines, args.order, args.min_word_count, args.min_ngram_count);
  pack.save(args.out);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::error_code ec;
  const std::uintmax_t size = fs::file_size(args.out, ec);
  std::cerr << "ocr lm: wrote " << args.out << " (" << (ec ? std::string("size unknown") : megabytes(size))
            << "): " << lines.size() << " lines, " << chars << " characters";
  if (dropped) std::cerr << " (" << dropped << " lines with characters outside the alphabet left out)";
  std::cerr << "; order " << args.order << ", " << pack.chars.size() << " n-grams and contexts, "
            << pack.words.size() << " words; " << static_cast<int>(seconds + 0.5) << " s\n";

  if (!args.held_out.empty()) {
    std::size_t held_dropped = 0, symbols = 0;
    const std::vector<std::u32string> held = read_fitted(args.held_out, alphabet, held_dropped);
    const double bits = bits_per_char(pack.chars, held, symbols);
    char buf[160];
    std::snprintf(buf, sizeof buf, "ocr lm: held-out text: %.4f bits per character (%zu lines, %zu symbols)\n",
                  bits, held.size(), symbols);
    std::cout << buf;
  }
  return 0;
}

}  // namespace

int run_lm(int argc, char** argv) {
  LmArgs args;
  po::options_description desc("Options");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("lang,l", po::value<std::string>(&args.language), "language code of the pack (eng, deu, fra, ces…; 'all' for the mixed pack)")
    ("text", po::value<std::vector<std::string>>(&args.texts), "training text: UTF-8, one line per line; repeatable (a file given k times counts k times)")
    ("out,o", po::value<std::string>(&args.out), "file to write, normally models/lang-CODE.lm (overwritten)")
    ("order", po::value<int>(&args.order)->default_value(5), "n-gram order, 1-8 (longer needs more text)")
    ("min-word-count", po::value<int>(&args.min_word_count)->default_value(2), "words seen fewer times stay out of the word list")
    ("min-ngram-count", po::value<int>(&args.min_ngram_count)->default_value(1), "prune n-grams (order 3 and up) seen fewer times: a smaller file")
    ("held-out", po::value<std::vector<std::string>>(&args.held_out), "text not trained on, to report bits per character; repeatable");
  // clang-format on
  return run_with_exit_status("ocr lm", [&] {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kUsage << "\n" << desc << "\n";
      return 0;
    }
    if (args.language.empty()) throw UsageError("no language given: use --lang CODE (e.g. --lang deu)");
    if (!valid_code(args.language))
      throw UsageError("--lang '" + args.language + "' is not a language code (lower-case letters, e.g. deu)");
    if (args.texts.empty()) throw UsageError("no text given: use --text FILE");
    for (const auto& files : {args.texts, args.held_out})
      for (const auto& f : files)
        if (!fs::is_regular_file(f)) throw UsageError("text file '" + f + "' does not exist");
    if (args.out.empty()) throw UsageError("no output file given: use --out models/lang-" + args.language + ".lm");
    const fs::path parent = fs::path(args.out).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
      throw UsageError("output folder '" + parent.string() + "' does not exist");
    if (args.order < 1 || args.order > CharLanguageModel::kMaxOrder)
      throw UsageError("--order must be between 1 and " + std::to_string(CharLanguageModel::kMaxOrder));
    if (args.min_word_count < 1) throw UsageError("--min-word-count must be at least 1");
    if (args.min_ngram_count < 1) throw UsageError("--min-ngram-count must be at least 1");
    // The recognizer looks packs up by file name only: say so now rather than at `ocr -l`.
    if (fs::path(args.out).filename() != "lang-" + args.language + ".lm")
      std::cerr << "ocr lm: note: `ocr -l " << args.language << "` looks for lang-" << args.language
                << ".lm; rename " << fs::path(args.out).filename().string() << " to that to use it\n";
    return build(args);
  });
}

}  // namespace platen::cli
