// `ocr [options] IMAGE...`: option parsing around platen::Engine and platen::Batch (the public
// API, as any library user has it), the writers of src/output and the archive batch of
// src/batch (trees, resume, shards, report, progress, signals).
//
// Everything that can make the whole run pointless (bad options, clashing output names, an
// unusable model) is checked before the first page is read, and exits with status 2; after
// that, a bad input only fails its own pages (status 1) and the batch goes on.

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

#include <unistd.h>

#include "batch/batch_run.h"
#include "batch/input_list.h"
#include "batch/output_folder.h"
#include "batch/shard.h"
#include "batch/stop_signals.h"
#include "cli/commands.h"
#include "core/errors.h"
#include "output/document_writer.h"
#include "output/processing_info.h"
#include "platen/platen.h"

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
    "Reads the text of typewritten pages (formats below). IMAGE '-' reads one image from\n"
    "standard input; a FIFO or device (e.g. ocr <(scanimage --format=tiff)) is read the same\n"
    "way, once, and fails when its writer is silent for 60 s. Pages are read in parallel;\n"
    "the output is in input order and the same for any -j.\n"
    "\n"
    "Formats read:\n"
    "%FORMATS%"
    "\n"
    "Output formats (--format LIST, comma-separated; default txt):\n"
    "  txt   plain text: every line ends with a newline, pages separated by a form feed (\\f),\n"
    "        a blank page gives no text                                        NAME.txt\n"
    "  hocr  hOCR 1.2 (XHTML): pages, blocks, lines, words with boxes, x_wconf  NAME.hocr\n"
    "  alto  ALTO 4.4: TextBlock, TextLine, String with boxes, WC and CC        NAME.alto.xml\n"
    "  page  PAGE XML 2019: regions, lines, words, glyphs, reading order        NAME.page.xml\n"
    "  tsv   Tesseract 5's 12-column word table (level page_num block_num par_num line_num\n"
    "        word_num left top width height conf text); --tsv is --format tsv  NAME.tsv\n"
    "  pdf   searchable PDF: the page image with an invisible text layer        NAME.pdf\n"
    "With -o DIR each input gives DIR/NAME.EXT per format (NAME: its file name without\n"
    "extension; stdin for '-'), each written whole (temporary name, then a rename); a\n"
    "multi-page input gives one file per format with all its pages, or with --split-pages one\n"
    "per page, NAME-0001.EXT ... (PAGE XML holds one page a file: always so). Without -o one\n"
    "format goes to standard output: txt or tsv for any number of inputs (each tsv input\n"
    "with its header row), hocr, alto, page or pdf for a single input. A failed page keeps its\n"
    "place: an empty page (txt), an empty page element with the error in a comment (hOCR,\n"
    "ALTO, PAGE), the page image alone when it decoded (PDF). A file none of whose pages read\n"
    "writes nothing. Boxes are in pixels of the page as a viewer shows the file.\n"
    "\n"
    "Archives: with -r a folder is walked (image and PDF files, sorted) and -o DIR mirrors\n"
    "it: DIR/<path below the folder>/NAME.EXT (several folders: each under its own name);\n"
    "--files-from mirrors the listed paths relative to --base (default: the current\n"
    "folder). Each process records the files it finished in DIR/.platen/journal-HOST-PID;\n"
    "--resume skips those whose input, model, precision and options are unchanged and whose\n"
    "outputs in every chosen format are intact. --report FILE writes one JSON line per page.\n"
    "SIGINT/SIGTERM finish the pages in flight and exit 130/143; a second one stops at once.\n"
    "No partial output file is ever left.\n"
    "\n"
    "Examples:\n"
    "  ocr page.jpg                          text of one page to standard output\n"
    "  ocr -o out/ scans/*.tif               one out/NAME.txt per image\n"
    "  ocr -f txt,alto,pdf -o out/ scan.tif  out/scan.txt, out/scan.alto.xml, out/scan.pdf\n"
    "  ocr -f hocr page.jpg > page.hocr      one input's hOCR to standard output\n"
    "  ocr --files-from list.txt -o out/ -j 8\n"
    "  find scans -name '*.png' | ocr --files-from - -o out/   out/scans/.../NAME.txt\n"
    "  ocr -r archive/ -o out/ --resume --report out/report.jsonl\n"
    "                                        a whole tree, mirrored; a rerun skips what is done\n"
    "  ocr -r archive/ -o out/ --resume --shard 0/4   the first of 4 parts (others: 1/4 2/4 3/4)\n"
    "  ocr -l deu+eng letter.png             German and English language models\n"
    "  scanimage --format=tiff | ocr -       an image on standard input\n"
    "  ocr --line line.png                   one text line, no layout analysis\n"
    "  ocr --tsv -o out/ scans/*.jpg         word boxes and text, one out/NAME.tsv per image\n"
    "\n"
    "Exit status: 0 every page was read; 1 some pages failed (each is named on standard\n"
    "error, the others are still written); 2 usage error or unusable model or language file\n"
    "(nothing is read); 130/143 stopped by SIGINT/SIGTERM.\n"
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
  std::string base_dir, shard_text, report_path, format_list = "txt";
  int threads = 0;
  int dpi = 0;
  double max_pixels = EngineOptions{}.max_pixels;
  std::string usage = kUsage;
  usage.replace(usage.find("%FORMATS%"), 9, readable_formats_help());
  po::options_description desc(usage);
  desc.add_options()
    ("help,h", "show this help")
    ("version", "show the version")
    ("output-dir,o", po::value(&output_dir)->value_name("DIR"), "write DIR/NAME.EXT per input and format (DIR is created if missing)")
    ("format,f", po::value(&format_list)->value_name("LIST"), "output formats, comma-separated: txt hocr alto page tsv pdf (default txt)")
    ("tsv", "the same as --format tsv: Tesseract's 12-column word table")
    ("split-pages", "with -o: one file per page of a multi-page input, NAME-0001.EXT, NAME-0002.EXT ...")
    ("preserve-spacing", "txt: on a fixed-pitch (typewritten) page, keep the horizontal layout with runs of spaces")
    ("files-from", po::value(&files_from)->value_name("LIST"), "also read the images listed in LIST, one path a line, relative to the current folder ('-': standard input)")
    ("recursive,r", "read the images and PDFs in folders given as inputs, and below; -o mirrors the tree")
    ("base", po::value(&base_dir)->value_name("DIR"), "with --files-from: outputs mirror the listed paths relative to DIR (default: the current folder)")
    ("resume", "skip inputs whose outputs in -o DIR are complete and were made from the same input, model, precision and options")
    ("resume-hash", "with --resume: identify inputs by a hash of the whole file (default: size, time, first and last MiB)")
    ("shard", po::value(&shard_text)->value_name("K/N"), "read only the K-th (from 0) of N parts of the inputs, split by a hash of their paths")
    ("progress", "show pages done, pages/s, elapsed time and ETA on standard error (default when it is a terminal)")
    ("no-progress", "no progress line")
    ("report", po::value(&report_path)->value_name("FILE"), "write one JSON line per page (input, SHA-256, status, confidence, ...) to FILE")
    ("dry-run", "list what would be read, skipped and written, and read nothing")
    ("jobs,j", po::value(&threads)->value_name("N"), "threads (default: all cores)")
    ("line", "each image is a single text line: no layout analysis")
    ("lang,l", po::value(&languages)->value_name("LANGS"),
     "languages, Tesseract codes joined by '+' (eng deu fra ces slk dan pol hun rus ukr bel bul); default: all")
    ("no-lm", "no language model: CTC best path, the image alone")
    ("dpi", po::value(&dpi)->value_name("N"), "resolution of the scans, when the files' own is missing or wrong")
    ("model", po::value(&model_path)->value_name("FILE"), "recognition model (default: the shipped platen.platen)")
    ("precision", po::value(&precision)->value_name("P"),
     "arithmetic of the network: f32, bf16, int8, or auto (default: int8 for a calibrated model on a CPU with VNNI, else bf16 where the CPU has AMX, else f32)")
    ("max-pixels", po::value(&max_pixels)->value_name("N"), "refuse pages of more than N pixels (default 3e8: A3 at 1200 ppi)")
    ("skip-text", "keep the text layer of PDF pages that have one, instead of reading them")
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
  std::vector<batch::BatchInput> batch_inputs;
  std::vector<batch::WalkProblem> walk_problems;
  batch::BatchOptions batch_options;
  try {
    options.precision = parse_precision(precision);
    if (vm.count("tsv")) {
      if (vm.count("format") && format_list != "tsv")
        throw UsageError("--tsv is --format tsv; it cannot go with --format " + format_list);
      format_list = "tsv";
    }
    batch_options.formats = parse_document_formats(format_list);
    std::vector<std::string> listed;
    if (vm.count("files-from")) {
      listed = read_file_list(files_from);
      // Given on the command line or inside the list read from it, alike.
      if (files_from == "-" && (std::count(inputs.begin(), inputs.end(), "-") > 0 ||
                                std::count(listed.begin(), listed.end(), "-") > 0))
        throw UsageError("standard input cannot be both the --files-from list and an image");
    }
    if (vm.count("base") && !vm.count("files-from")) throw UsageError("--base goes with --files-from");
    if ((vm.count("resume") || vm.count("resume-hash")) && output_dir.empty())
      throw UsageError("--resume needs -o DIR: the record of finished files lives in the output folder");
    if (vm.count("resume-hash") && !vm.count("resume")) throw UsageError("--resume-hash goes with --resume");
    if (vm.count("progress") && vm.count("no-progress")) throw UsageError("--progress and --no-progress exclude each other");
    if (vm.count("split-pages") && output_dir.empty()) throw UsageError("--split-pages writes files: it needs -o DIR");
    batch::Shard shard;
    if (vm.count("shard")) shard = batch::parse_shard(shard_text);
    batch_inputs = batch::build_input_list(inputs, listed, base_dir, vm.count("recursive") > 0, output_dir, walk_problems);
    inputs.clear();
    for (const batch::BatchInput& input : batch_inputs) inputs.push_back(input.path);
    if (inputs.empty() && walk_problems.empty())
      throw UsageError(vm.count("recursive") ? "no images or PDFs found in the inputs given" : "no input images given");
    if (std::count(inputs.begin(), inputs.end(), "-") > 1)
      throw UsageError("standard input ('-') can be read only once");
    if (output_dir.empty()) {
      // Standard output carries one format; the structured ones hold one input each.
      if (batch_options.formats.size() > 1)
        throw UsageError("--format " + format_list + " gives several files per input: write them with -o DIR");
      const DocumentFormat format = batch_options.formats.front();
      if (format != DocumentFormat::txt && format != DocumentFormat::tsv && inputs.size() + walk_problems.size() > 1)
        throw UsageError("--format " + format_name(format) + " to standard output takes a single input; for " +
                         std::to_string(inputs.size() + walk_problems.size()) + " inputs write files with -o DIR");
    }
    if (vm.count("jobs") && threads < 1) throw UsageError("-j needs a thread count of at least 1");
    if (vm.count("dpi") && (dpi < kMinDpi || dpi > kMaxDpi))
      throw UsageError("--dpi " + std::to_string(dpi) + " is not a plausible scan resolution (" +
                       std::to_string(kMinDpi) + "-" + std::to_string(kMaxDpi) + ")");
    if (vm.count("max-pixels") && !(max_pixels >= 4))
      throw UsageError("--max-pixels needs a pixel count of at least 4, e.g. --max-pixels 3e8");
    options.max_pixels = max_pixels;
    options.skip_text = vm.count("skip-text") > 0;
    if (vm.count("lang")) options.languages = parse_languages(languages);
    if (vm.count("no-lm")) {
      if (vm.count("lang")) throw UsageError("-l chooses language models; it cannot go with --no-lm");
      options.use_language_model = false;
    }
    if (!output_dir.empty()) {
      // On the whole list, before the shard is taken: every shard sees the same clash.
      batch::check_distinct_outputs(batch_inputs, format_extension(batch_options.formats.front()));
      if (!vm.count("dry-run")) batch::check_output_folder(output_dir);
    }
    if (vm.count("shard")) batch_inputs = batch::select_shard(batch_inputs, shard);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }

  options.threads = threads;  // 0: all cores
  options.single_line = vm.count("line") > 0;
  options.dpi = dpi;
  options.model_path = model_path;
  // The PDF embeds each page's image as stored.
  options.keep_page_image = std::count(batch_options.formats.begin(), batch_options.formats.end(), DocumentFormat::pdf) > 0;

  // The model and language models are loaded before any page: without them nothing can be read.
  std::optional<Engine> engine;
  ProcessingInfo processing;
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
    processing = processing_info(*engine);
  } catch (const Error& e) {
    std::cerr << "ocr: " << e.what() << "\n";
    return 2;
  }

  batch_options.output_dir = output_dir;
  batch_options.single_line = options.single_line;
  batch_options.split_pages = vm.count("split-pages") > 0;
  batch_options.writer.preserve_spacing = vm.count("preserve-spacing") > 0;
  batch_options.resume = vm.count("resume") > 0;
  batch_options.resume_hash_whole = vm.count("resume-hash") > 0;
  batch_options.report_path = report_path;
  batch_options.dry_run = vm.count("dry-run") > 0;
  batch_options.progress_terminal = ::isatty(STDERR_FILENO) != 0;
  batch_options.progress = vm.count("progress") || (!vm.count("no-progress") && batch_options.progress_terminal);
  // A batch (a folder, a tree, a report) ends with its summary; `ocr page.png` stays quiet.
  batch_options.summary = !output_dir.empty() || vm.count("recursive") || vm.count("files-from") ||
                          !report_path.empty() || batch_options.progress;
  if (const char* delay = std::getenv(batch::kTestPageDelayVariable)) batch_options.page_delay_ms = std::atoi(delay);
  // Everything besides the input that changes the outputs: --resume reuses only equal settings.
  batch_options.settings = batch::batch_settings(processing, batch_options);
  batch_options.model_label = processing.model_name + " " + processing.model_checksum.substr(0, 7 + 16);
  batch_options.precision_label = precision_name(engine->precision());

  batch::install_stop_signals();
  batch::BatchOutcome outcome;
  try {
    outcome = batch::run_batch(batch_inputs, walk_problems, *engine, processing, batch_options, std::cout, std::cerr);
  } catch (const UsageError& e) {
    return usage_error(e.what());
  } catch (const Error& e) {
    std::cerr << "ocr: " << e.what() << "\n";
    return 2;
  }

  if (vm.count("timings")) print_timings(outcome.pages);
  return batch::exit_status_of(outcome);
}

}  // namespace platen::cli
