// `ocr eval`: character and word error rates of the recognizer on line images with ground
// truth, with and without the language model; or of one text file against another.

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <type_traits>
#include <utility>

#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/errors.h"
#include "core/text.h"
#include "image/page_reader.h"
#include "recognition/recognizer.h"
#include "training/evaluation.h"
#include "training/line_dataset.h"
#include "training/word_reliability.h"

namespace platen::cli {

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

/// Lines read and recognised at a time: bounds the memory of decoded images on big sets
/// while leaving the recognizer enough lines to batch by width.
constexpr std::size_t kChunkLines = 512;

// DecodeOptions is to gain a switch for the language model (`use_language_model`). Until it
// has one, both passes decode alike and the report says so; with it, this needs no change.
template <typename T, typename = void>
struct HasLanguageModelSwitch : std::false_type {};
template <typename T>
struct HasLanguageModelSwitch<T, std::void_t<decltype(std::declval<T&>().use_language_model)>>
    : std::true_type {};

/// Sets the LM switch of `options` when it exists; returns whether it does.
template <typename Options>
bool set_language_model(Options& options, bool on) {
  if constexpr (HasLanguageModelSwitch<Options>::value) {
    options.use_language_model = on;
    return true;
  } else {
    (void)options;
    (void)on;
    return false;
  }
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string percent(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%7.2f %%", 100.0 * rate);
  return buf;
}

bool is_image_name(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff" ||
         ext == ".pnm" || ext == ".pgm";
}

/// Line images named by the command line: a folder gives its images that have NAME.gt.txt
/// beside them; an image file gives itself; any other file is a list of image paths, one per
/// line, relative paths resolved against the list's folder. Problems are reported on stderr
/// and counted in `problems`.
std::vector<std::string> collect_images(const std::vector<std::string>& inputs, int& problems) {
  std::vector<std::string> images;
  auto add_image = [&](const fs::path& p) {
    fs::path gt = p;
    gt.replace_extension(".gt.txt");
    if (!fs::exists(p)) {
      std::cerr << "ocr eval: " << p.string() << ": no such file\n";
      ++problems;
    } else if (!fs::exists(gt)) {
      std::cerr << "ocr eval: " << p.string() << ": no ground truth " << gt.string() << "\n";
      ++problems;
    } else {
      images.push_back(p.string());
    }
  };
  for (const std::string& input : inputs) {
    fs::path p(input);
    if (fs::is_directory(p)) {
      std::vector<std::string> found = list_line_images(input);
      if (found.empty()) {
        std::cerr << "ocr eval: " << input << ": no line images with NAME.gt.txt beside them\n";
        ++problems;
      }
      images.insert(images.end(), found.begin(), found.end());
    } else if (is_image_name(p)) {
      add_image(p);
    } else if (fs::is_regular_file(p)) {
      std::istringstream list(read_text_file(input));
      for (std::string line; std::getline(list, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        fs::path entry(line);
        add_image(entry.is_absolute() ? entry : p.parent_path() / entry);
      }
    } else {
      std::cerr << "ocr eval: " << input << ": no such file or folder\n";
      ++problems;
    }
  }
  return images;
}

/// The look-alike table: one count column (`first`, e.g. "best path"), or two when `after`
/// (the LM pass) is given.
void print_confusions(const char* first, const ConfusionTable& before, const ConfusionTable* after) {
  char header[128];
  std::snprintf(header, sizeof header, "\n%-32s %10s%s\n", "Look-alike substitutions", first,
                after ? "    with LM" : "");
  std::cout << header;
  for (int g = 0; g < kLookAlikeGroups; ++g) {
    LookAlike group = static_cast<LookAlike>(g);
    char row[128];
    std::snprintf(row, sizeof row, "  %-30s %10zu", look_alike_name(group), before.total(group));
    std::cout << row;
    if (after) {
      std::snprintf(row, sizeof row, " %10zu", after->total(group));
      std::cout << row;
    }
    std::cout << "\n";
    // The commonest pairs say which way the confusion goes (l→1 or 1→l), which is what a
    // fix needs; the first table's pairs are listed, up to six.
    std::vector<std::pair<std::size_t, std::string>> pairs;
    for (const auto& [key, n] : before.pairs(group))
      pairs.emplace_back(n, utf32_to_utf8(key.first) + "→" + utf32_to_utf8(key.second));
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    if (pairs.size() > 6) pairs.resize(6);
    if (!pairs.empty()) {
      std::cout << "     ";
      for (const auto& [n, label] : pairs) std::cout << " " << label << " " << n;
      std::cout << "\n";
    }
  }
  std::size_t skipped = before.unaligned() + (after ? after->unaligned() : 0);
  if (skipped) std::cout << "  (" << skipped << " text pairs too long to align were left out)\n";
}

void print_totals(const char* label, const ErrorCounts& c) {
  char row[160];
  std::snprintf(row, sizeof row, "%-12s CER %s  (%zu / %zu chars)   WER %s  (%zu / %zu words)\n", label,
                percent(c.cer()).c_str(), c.char_edits, c.reference_chars, percent(c.wer()).c_str(),
                c.word_edits, c.reference_words);
  std::cout << row;
}

/// `ocr eval --text REF HYP`: page-level scores of two text files.
int score_files(const std::vector<std::string>& files) {
  if (files.size() != 2) throw UsageError("--text takes exactly two files: REF.txt HYP.txt");
  Evaluation eval;
  eval.add(files[1], read_text_file(files[0]), read_text_file(files[1]));
  print_totals("text", eval.total());
  print_confusions("count", eval.confusions(), nullptr);
  return 0;
}

}  // namespace

int run_eval(int argc, char** argv) {
  std::string model_path, languages, precision = "auto", fit_path;
  std::vector<std::string> inputs;
  po::options_description desc(
      "Usage: ocr eval [--model F] [--no-lm] [-l LANGS] [--precision P] [--per-file] DIR_OR_LIST...\n"
      "       ocr eval --text REF.txt HYP.txt\n\n"
      "Recognises every line image (png, jpg, tif…) that has NAME.gt.txt beside it and prints\n"
      "the character and word error rates (CER, WER: edits / reference length, after NFC and\n"
      "folding whitespace), decoded by best path and with the language model, and how often\n"
      "look-alike glyphs were confused. Arguments are folders, image files, or text files\n"
      "listing image paths one per line. With --text, scores HYP.txt against REF.txt instead.\n\n"
      "Examples:\n"
      "  ocr eval ../shared/datasets/typewritten/dev/lines\n"
      "  ocr eval --model my.platen -l deu --per-file lines/\n"
      "  ocr eval --text page.gt.txt page.txt\n\nOptions");
  desc.add_options()
    ("help,h", "show this help")
    ("model,m", po::value(&model_path), "model file (default: the shipped model)")
    ("lang,l", po::value(&languages), "languages for the LM, joined by '+' (e.g. eng+deu)")
    ("no-lm", "best-path decoding only")
    ("precision", po::value(&precision)->value_name("P"),
     "arithmetic of the network: f32, bf16, int8, or auto (default: int8 for a calibrated model on a CPU with VNNI, else bf16 where the CPU has AMX, else f32)")
    ("per-file", "also print the scores of every file")
    ("calibration", "also print the reliability of the word confidences (deciles, ECE) of the LM pass "
     "(best path with --no-lm), calibrated by the model's .calibration file")
    ("fit-calibration", po::value(&fit_path)->value_name("F"),
     "fit the word calibration on these lines (training or held-out lines, never the ones you measure on) "
     "and write it to F (models/platen.calibration for the shipped model)")
    ("text", "score two text files: REF.txt HYP.txt");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs)->composing());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("input", -1);
  return run_with_exit_status("ocr eval", [&] {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return 0;
    }
    if (vm.count("text")) return score_files(inputs);
    if (inputs.empty()) throw UsageError("no folders or lists of line images given");
    RecognizerOptions recognizer_options;
    recognizer_options.precision = parse_precision(precision);

    DecodeOptions best_path, with_lm;
    for (std::size_t start = 0; start < languages.size();) {
      std::size_t plus = languages.find('+', start);
      if (plus == std::string::npos) plus = languages.size();
      if (plus > start) with_lm.languages.push_back(languages.substr(start, plus - start));
      start = plus + 1;
    }
    best_path.languages = with_lm.languages;
    const bool lm_switch = set_language_model(best_path, false) && set_language_model(with_lm, true);
    const bool run_lm = !vm.count("no-lm") && lm_switch;
    if (!vm.count("no-lm") && !lm_switch)
      std::cerr << "ocr eval: this build's recognizer has no language-model switch; "
                   "reporting one decoding pass\n";

    int problems = 0;
    const std::vector<std::string> images = collect_images(inputs, problems);
    if (images.empty()) throw DataError("no line images with ground truth to evaluate");
    Recognizer recognizer(model_path.empty() ? default_model_path() : model_path, recognizer_options);

    Evaluation plain, lm;
    std::vector<std::pair<float, bool>> raw_scores, calibrated;  // per decoded word
    auto collect_words = [&](const std::vector<RecognisedLine>& read, const std::vector<std::string>& truths) {
      for (std::size_t i = 0; i < read.size(); ++i) {
        const std::vector<bool> right = decoded_words_right(read[i].text, truths[i]);
        const std::u32string& sym = read[i].symbols;
        std::size_t word = 0;
        for (std::size_t k = 0; k < sym.size();) {
          if (sym[k] == U' ') {
            ++k;
            continue;
          }
          std::size_t e = k;
          while (e < sym.size() && sym[e] != U' ') ++e;
          if (word < right.size()) {
            const float raw = raw_word_score(read[i].char_confidences.data() + k, e - k);
            raw_scores.emplace_back(raw, right[word]);
            calibrated.emplace_back(recognizer.word_calibration()(raw), right[word]);
          }
          ++word;
          k = e;
        }
      }
    };
    for (std::size_t begin = 0; begin < images.size(); begin += kChunkLines) {
      std::size_t end = std::min(images.size(), begin + kChunkLines);
      std::vector<GreyImage> lines;
      std::vector<std::string> names, truths;
      for (std::size_t i = begin; i < end; ++i) {
        try {
          std::string truth = read_ground_truth(images[i]);
          lines.push_back(read_grey_image(images[i]));
          names.push_back(images[i]);
          truths.push_back(std::move(truth));
        } catch (const Error& e) {
          std::cerr << "ocr eval: " << e.what() << "\n";
          ++problems;
        }
      }
      std::vector<RecognisedLine> first = recognizer.recognise(lines, best_path);
      for (std::size_t i = 0; i < lines.size(); ++i) plain.add(names[i], truths[i], first[i].text);
      if (run_lm) {
        std::vector<RecognisedLine> second = recognizer.recognise(lines, with_lm);
        for (std::size_t i = 0; i < lines.size(); ++i) lm.add(names[i], truths[i], second[i].text);
        collect_words(second, truths);
      } else {
        collect_words(first, truths);
      }
    }

    if (vm.count("per-file")) {
      std::cout << (run_lm ? "  CER path    CER LM  WER path    WER LM  file\n"
                           : "  CER path  WER path  file\n");
      for (std::size_t i = 0; i < plain.files().size(); ++i) {
        const FileScore& a = plain.files()[i];
        std::cout << percent(a.counts.cer()) << " ";
        if (run_lm) std::cout << percent(lm.files()[i].counts.cer()) << " ";
        std::cout << percent(a.counts.wer()) << " ";
        if (run_lm) std::cout << percent(lm.files()[i].counts.wer()) << " ";
        std::cout << " " << fs::path(a.name).filename().string() << "\n";
      }
      std::cout << "\n";
    }
    std::cout << plain.files().size() << " lines";
    if (problems) std::cout << " (" << problems << (problems == 1 ? " input" : " inputs") << " could not be used)";
    std::cout << ", network in " << precision_name(recognizer.precision()) << "\n";
    print_totals("best path", plain.total());
    if (run_lm) print_totals("with LM", lm.total());
    print_confusions("best path", plain.confusions(), run_lm ? &lm.confusions() : nullptr);
    if (vm.count("calibration")) {
      std::cout << "\nword confidences (" << (run_lm ? "with LM" : "best path") << "), "
                << (recognizer.word_calibration().identity() ? "uncalibrated" : "calibrated") << ":\n"
                << format_reliability_table(reliability_table(calibrated));
      if (!recognizer.word_calibration().identity())
        std::cout << "raw scores: ECE " << reliability_table(raw_scores).ece << "\n";
    }
    if (!fit_path.empty()) {
      if (raw_scores.empty()) throw DataError("no decoded words to fit the word calibration on");
      const WordCalibration fitted = WordCalibration::fit(raw_scores);
      fitted.save(fit_path);
      std::cout << "word calibration fitted on " << raw_scores.size() << " words (" << fitted.knots().size()
                << " knots), written to " << fit_path << "\n";
    }
    return problems ? 1 : 0;
  });
}

}  // namespace platen::cli
