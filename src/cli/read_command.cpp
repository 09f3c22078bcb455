// `ocr [options] IMAGE...`: option parsing and reporting around platen::Engine and
// platen::Batch (the public API, as any library user has it) and the writers of src/output.
//
// Everything that can make the whole run pointless (bad options, clashing output names, an
// unusable model) is checked before the first page is read, and exits with status 2; after
// that, a bad input only fails its own pages (status 1) and the batch goes on.

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/errors.h"
#include "output/text_writer.h"
#include "platen/platen.h"
#include "recognition/network.h"  // parse_precision

namespace platen::cli {

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

/// Languages with a language model or alphabet support (Tesseract codes).
const std::vector<std::string> kKnownLanguages = {"eng", "deu", "fra", "ces", "slk", "dan",
                                                  "pol", "hun", "rus", "ukr", "bel", "bul"};

/// How an input is named in messages: the path as given, "standard input" for "-".
std::string input_display_name(const std::string& file) {
  return file == "-" ? std::string("standard input") : file;
}

constexpr int kMinDpi = 50;
constexpr int kMaxDpi = 2400;

const char* const kUsage =
    "Usage: ocr [options] IMAGE...\n"
    "\n"
    "Reads the text of typewritten pages (TIFF, including multi-page and CCITT G4; PNG;\n"
    "JPEG; PNM). IMAGE '-' reads one image from standard input. Pages are read in\n"
    "parallel; the output is in input order and the same for any -j.\n"
    "\n"
    "Output: without -o, the text goes to standard output, pages separated by a form feed\n"
    "(\\f); a single page has none. Every line of text ends with a newline; a blank page\n"
    "gives no text. With -o DIR, each input gives DIR/NAME.txt (NAME: its file name without\n"
    "extension; DIR/stdin.txt for '-'), written atomically; a multi-page TIFF gives one file\n"
    "with its pages separated by form feeds. With --line, each image gives one line of\n"
    "text and no form feeds. With --tsv, the output is a table with one row per text line\n"
    "(page, line, left, top, width, height, conf, text; tab-separated, after a header row;\n"
    "the box in pixels of the image as stored, conf 0-100) instead of text: to standard\n"
    "output, each input starting with its header row, or with -o DIR to DIR/NAME.tsv.\n"
    "\n"
    "Examples:\n"
    "  ocr page.jpg                          text of one page to standard output\n"
    "  ocr -o out/ scans/*.tif               one out/NAME.txt per image\n"
    "  ocr --files-from list.txt -o out/ -j 8\n"
    "  find scans -name '*.png' | ocr --files-from - -o out/\n"
    "  ocr -l deu+eng letter.png             German and English language models\n"
    "  scanimage --format=tiff | ocr -       an image on standard input\n"
    "  ocr --line line.png                   one text line, no layout analysis\n"
    "  ocr --tsv -o out/ scans/*.jpg         line boxes and text, one out/NAME.tsv per image\n"
    "\n"
    "Exit status: 0 every page was read; 1 some pages failed (each is named on standard\n"
    "error, the others are still written; on standard output a failed page keeps its place\n"
    "as an empty page, or an empty line with --line); 2 usage error or unusable model or\n"
    "language file (nothing is read).\n"
    "\n"
    "Sub-commands (each has its own --help):\n"
    "  ocr eval     CER and WER of a model on line images with NAME.gt.txt\n"
    "  ocr train    train or fine-tune a model on line images and ALTO pages\n"
    "  ocr synth    render degraded typewritten lines or pages, and text corpora\n"
    "  ocr lm       build the language models (lang-*.lm) from text\n"
    "  ocr calibrate  record a model's activation ranges so that it runs in int8\n"
    "\n"
    "Options";

/// Prints a usage error the way every option error is reported, and gives status 2.
int usage_error(const std::string& message) {
  std::cerr << "ocr: " << message << "\nTry 'ocr --help'.\n";
  return 2;
}

/// Paths listed one per line in `list` ('-': standard input). Blank lines are skipped and a
/// trailing '\r' (a list written on Windows) dropped. Throws UsageError when unreadable.
std::vector<std::string> read_file_list(const std::string& list) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (list != "-") {
    std::error_code ec;
    if (!fs::is_regular_file(list, ec)) throw UsageError("cannot read the --files-from list '" + list + "': no such file");
    file.open(list);
    if (!file) throw UsageError("cannot read the --files-from list '" + list + "'");
    in = &file;
  }
  std::vector<std::string> paths;
  std::string line;
  while (std::getline(*in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    paths.push_back(line);
  }
  if (in->bad()) throw UsageError("cannot read the --files-from list '" + list + "'");
  return paths;
}

/// Splits "eng+deu" into codes and checks each against kKnownLanguages. Throws UsageError.
std::vector<std::string> parse_languages(const std::string& text) {
  std::vector<std::string> codes;
  std::stringstream in(text);
  std::string code;
  while (std::getline(in, code, '+')) {
    if (std::find(kKnownLanguages.begin(), kKnownLanguages.end(), code) == kKnownLanguages.end()) {
      std::string known;
      for (const std::string& k : kKnownLanguages) known += (known.empty() ? "" : " ") + k;
      throw UsageError("unknown language '" + code + "' in -l " + text + " (known: " + known +
                       "; join several with '+', e.g. -l deu+eng)");
    }
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  if (codes.empty() || text.back() == '+') throw UsageError("-l needs language codes, e.g. -l eng or -l deu+eng");
  return codes;
}

/// Two inputs that would write the same DIR/NAME.txt (NAME`extension`). Throws UsageError
/// naming both.
void check_distinct_stems(const std::vector<std::string>& inputs, const std::string& extension) {
  std::map<std::string, std::string> seen;  // stem → first input with it
  for (const std::string& input : inputs) {
    const std::string stem = output_stem(input);
    auto [it, inserted] = seen.emplace(stem, input);
    if (!inserted) {
      throw UsageError("'" + input_display_name(it->second) + "' and '" + input_display_name(input) +
                       "' would both be written to " + stem + extension +
                       "; rename one, or run them separately with different -o folders");
    }
  }
}

void print_timings(const BatchReport& report) {
  auto ms = [](double s) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(1) << s * 1000.0 << " ms";
    return out.str();
  };
  auto stages = [&](const PageTimings& t) {
    return "decode " + ms(t.decode) + ", binarise " + ms(t.binarise) + ", deskew " + ms(t.deskew) +
           ", segment " + ms(t.segment) + ", recognise " + ms(t.recognise) + ", decode text " +
           ms(t.decode_text) + ", write " + ms(t.write) + ", total " + ms(t.total());
  };
  PageTimings sum;
  for (const PageResult& page : report.pages) {
    std::cerr << "timings: " << input_display_name(page.source) << " page " << page.page_index + 1
              << (page.ok ? "" : " (failed)") << ": " << stages(page.timings) << "\n";
    sum += page.timings;
  }
  // Stage sums add up time spent on all threads, so they exceed the wall time when pages
  // run in parallel; both are shown.
  std::cerr << "timings: all " << report.pages.size() << " pages: " << stages(sum) << "; wall "
            << ms(report.wall_seconds) << "\n";
}

}  // namespace

int run_read(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string output_dir, files_from, languages, model_path, precision = "auto";
  int threads = 0;
  int dpi = 0;
  po::options_description desc(kUsage);
  desc.add_options()
    ("help,h", "show this help")
    ("version", "show the version")
    ("output-dir,o", po::value(&output_dir)->value_name("DIR"), "write DIR/NAME.txt per input (DIR is created if missing)")
    ("files-from", po::value(&files_from)->value_name("LIST"), "also read the images listed in LIST, one path a line, relative to the current folder ('-': standard input)")
    ("jobs,j", po::value(&threads)->value_name("N"), "threads (default: all cores)")
    ("line", "each image is a single text line: no layout analysis")
    ("tsv", "write one tab-separated row per text line (box, confidence, text) instead of text; NAME.tsv with -o")
    ("lang,l", po::value(&languages)->value_name("LANGS"),
     "languages, Tesseract codes joined by '+' (eng deu fra ces slk dan pol hun rus ukr bel bul); default: all")
    ("no-lm", "no language model: CTC best path, the image alone")
    ("dpi", po::value(&dpi)->value_name("N"), "resolution of the scans, when the files' own is missing or wrong")
    ("model", po::value(&model_path)->value_name("FILE"), "recognition model (default: the shipped platen.platen)")
    ("precision", po::value(&precision)->value_name("P"),
     "arithmetic of the network: f32, bf16, int8, or auto (default: int8 for a calibrated model on a CPU with VNNI, else bf16 where the CPU has AMX, else f32)")
    ("timings", "print the time of each stage, per page and in total, to standard error");
  po::options_description hidden;
  hidden.add_options()("input", po::value(&inputs)->composing());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("input", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return usage_error(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "ocr (Platen) " << platen::version() << "\n";
    return 0;
  }

  EngineOptions options;
  try {
    options.precision = parse_precision(precision);
    if (vm.count("files-from")) {
      std::vector<std::string> listed = read_file_list(files_from);
      inputs.insert(inputs.end(), listed.begin(), listed.end());
      // Given on the command line or inside the list read from it, alike.
      if (files_from == "-" && std::count(inputs.begin(), inputs.end(), "-") > 0)
        throw UsageError("standard input cannot be both the --files-from list and an image");
    }
    if (inputs.empty()) throw UsageError("no input images given");
    if (std::count(inputs.begin(), inputs.end(), "-") > 1)
      throw UsageError("standard input ('-') can be read only once");
    if (vm.count("jobs") && threads < 1) throw UsageError("-j needs a thread count of at least 1");
    if (vm.count("dpi") && (dpi < kMinDpi || dpi > kMaxDpi))
      throw UsageError("--dpi " + std::to_string(dpi) + " is not a plausible scan resolution (" +
                       std::to_string(kMinDpi) + "-" + std::to_string(kMaxDpi) + ")");
    if (vm.count("lang")) options.languages = parse_languages(languages);
    if (vm.count("no-lm")) {
      if (vm.count("lang")) throw UsageError("-l chooses language models; it cannot go with --no-lm");
      options.use_language_model = false;
    }
    if (!output_dir.empty()) {
      check_distinct_stems(inputs, vm.count("tsv") ? ".tsv" : ".txt");
      std::error_code ec;
      fs::create_directories(output_dir, ec);
      if (ec || !fs::is_directory(output_dir))
        throw UsageError("cannot use output folder '" + output_dir + "'" + (ec ? ": " + ec.message() : ""));
    }
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }

  options.threads = threads;  // 0: all cores
  options.single_line = vm.count("line") > 0;
  options.dpi = dpi;
  options.model_path = model_path;

  // The model and language models are loaded before any page: without them nothing can be read.
  std::optional<Engine> engine;
  try {
    if (options.model_path.empty()) {
      try {
        options.model_path = shipped_model_path();
      } catch (const ModelError& e) {
        std::cerr << "ocr: " << e.what() << "; give one with --model\n";
        return 2;
      }
    }
    engine.emplace(Engine::open(options));
  } catch (const Error& e) {
    std::cerr << "ocr: " << e.what() << "\n";
    return 2;
  }

  // In --line mode each input is one line of output, so pages are joined without form feeds.
  const bool form_feeds = !options.single_line;
  const OutputFormat format = vm.count("tsv") ? OutputFormat::tsv : OutputFormat::text;
  std::unique_ptr<TextWriter> writer =
      output_dir.empty() ? std::make_unique<TextWriter>(std::cout, form_feeds, format)
                         : std::make_unique<TextWriter>(output_dir, form_feeds, format);

  Batch batch(*engine);
  batch.on_result = [&](const PageResult& page) { writer->add(page); };
  batch.on_page_done = [](const PageResult& page) {
    if (!page.ok) std::cerr << "ocr: " << page.error << std::endl;
  };
  const BatchReport report = batch.run(inputs);

  if (vm.count("timings")) print_timings(report);
  return report.failed == 0 ? 0 : 1;
}

}  // namespace platen::cli
