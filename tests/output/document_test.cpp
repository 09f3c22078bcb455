#include "output/document.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "output/document_writer.h"
#include "output/page_xml_writer.h"
#include "output/processing_info.h"
#include "output/sample_document.h"

namespace platen {
namespace {

using namespace platen::test;
namespace fs = std::filesystem;

/// Sets (or, with nullptr, unsets) SOURCE_DATE_EPOCH for one scope.
class SourceDateEpoch {
 public:
  explicit SourceDateEpoch(const char* value) {
    if (const char* old = std::getenv("SOURCE_DATE_EPOCH")) saved_ = old, had_ = true;
    if (value) setenv("SOURCE_DATE_EPOCH", value, 1);
    else unsetenv("SOURCE_DATE_EPOCH");
  }
  ~SourceDateEpoch() {
    if (had_) setenv("SOURCE_DATE_EPOCH", saved_.c_str(), 1);
    else unsetenv("SOURCE_DATE_EPOCH");
  }

 private:
  std::string saved_;
  bool had_ = false;
};

std::string file_with_mtime(long long seconds) {
  const std::string path = make_temp_dir() + "/scan.tif";
  std::ofstream(path) << "x";
  utimbuf times{static_cast<time_t>(seconds), static_cast<time_t>(seconds)};
  EXPECT_EQ(utime(path.c_str(), &times), 0);
  return path;
}

TEST(Document, TimestampFromSourceDateEpochElseTheInputsModificationTime) {
  const std::string input = file_with_mtime(1500000000);
  {
    SourceDateEpoch epoch("1700000000");
    EXPECT_EQ(document_timestamp(input), 1700000000);
    EXPECT_EQ(document_timestamp("-"), 1700000000);
  }
  {
    SourceDateEpoch epoch(nullptr);
    EXPECT_EQ(document_timestamp(input), 1500000000);
    EXPECT_EQ(document_timestamp("-"), 0);  // standard input has no time of its own
    EXPECT_EQ(document_timestamp(input + ".missing"), 0);
  }
  for (const char* invalid : {"", "soon", "12x", "-5"}) {
    SourceDateEpoch epoch(invalid);
    EXPECT_EQ(document_timestamp(input), 1500000000) << "SOURCE_DATE_EPOCH='" << invalid << "'";
  }
  EXPECT_EQ(iso8601_utc(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00Z");
}

TEST(Document, NamesOptionsAndComments) {
  EXPECT_EQ(source_file_name("scans/2026/a.tif"), "a.tif");
  EXPECT_EQ(source_file_name("-"), "stdin");
  ProcessingInfo p;
  EXPECT_EQ(describe_text_options(p), "");
  p.text_options = {{"lang", "deu+eng"}, {"no-lm", ""}, {"dpi", "300"}};
  EXPECT_EQ(describe_text_options(p), "lang=deu+eng no-lm dpi=300");
  EXPECT_EQ(comment_safe("a -- b\nc-"), "a - - b c- ");
  EXPECT_EQ(comment_safe("---"), "- - - ");
  EXPECT_EQ(code_point_count("Příliš"), 6);
}

TEST(Document, WordsOfALineWithoutWordsShareItsBoxAndKeepItsText) {
  Line line;
  line.text = "ab cd  ef";  // spaces count as columns
  line.box = Box{100, 50, 900, 40};
  line.confidence = 0.7f;
  const auto words = words_of(line);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[0].text, "ab");
  EXPECT_EQ(words[0].box, (Box{100, 50, 200, 40}));
  EXPECT_EQ(words[1].box, (Box{400, 50, 200, 40}));
  EXPECT_EQ(words[2].box, (Box{800, 50, 200, 40}));
  EXPECT_FLOAT_EQ(words[2].confidence, 0.7f);
  // Words the pipeline gave are used as they are.
  const Line given = sample_page().lines[0];
  EXPECT_EQ(words_of(given).size(), given.words.size());
  EXPECT_EQ(words_of(given)[1].box, given.words[1].box);
}

TEST(Document, BlocksOfAPageWithoutBlocksCoverItsLinesWithTheirLanguage) {
  PageResult page = sample_page();
  page.blocks.clear();
  page.lines[0].language = page.lines[3].language = page.lines[4].language = "eng";
  const auto blocks = blocks_of(page);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].first_line, 0);
  EXPECT_EQ(blocks[0].line_count, 5);
  EXPECT_EQ(blocks[0].language, "eng");
  ASSERT_EQ(blocks[0].paragraphs.size(), 1u);
  EXPECT_EQ(blocks[0].box, (Box{152, 100, 896, 328}));
}

TEST(DocumentWriter, FormatNamesListsAndOutputPaths) {
  EXPECT_EQ(parse_document_formats("txt,alto,txt,pdf"),
            (std::vector<DocumentFormat>{DocumentFormat::txt, DocumentFormat::alto, DocumentFormat::pdf}));
  EXPECT_THROW(parse_document_formats(""), UsageError);
  EXPECT_THROW(parse_document_formats("txt,"), UsageError);
  EXPECT_THROW(parse_document_formats("txt,docx"), UsageError);
  for (DocumentFormat f : parse_document_formats("txt,hocr,alto,page,tsv,pdf"))
    EXPECT_EQ(parse_document_format(format_name(f)), f);
  EXPECT_EQ(document_output_path("out", "scans/a.b.tif", DocumentFormat::alto), "out/a.b.alto.xml");
  EXPECT_EQ(document_output_path("out", "scans/a.tif", DocumentFormat::page, 3), "out/a-0003.page.xml");
  EXPECT_EQ(document_output_path("out", "-", DocumentFormat::txt), "out/stdin.txt");
  EXPECT_EQ(format_extension(DocumentFormat::hocr), ".hocr");
}

TEST(DocumentWriter, WritesAtomicallyLeavingNoTemporary) {
  const std::string dir = make_temp_dir();
  const std::string path = dir + "/a.alto.xml";
  write_output_atomically(path, "first");
  write_output_atomically(path, "second");
  EXPECT_EQ(read_text_file(path), "second");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
  EXPECT_THROW(write_output_atomically(dir + "/no/such/folder/a.txt", "x"), Error);
}

/// Every format's bytes for `document` (PAGE page by page).
std::vector<std::string> all_formats(const Document& document) {
  std::vector<std::string> out;
  for (DocumentFormat f : parse_document_formats("txt,hocr,alto,tsv,pdf"))
    out.push_back(make_document_writer(f)->write(document).bytes);
  for (std::size_t i = 0; i < document.pages.size(); ++i) out.push_back(PageXmlWriter().write_page(document, i).bytes);
  return out;
}

TEST(DocumentWriter, EveryFormatIsByteIdenticalForTheSameDocumentAndDatedByItsTimestamp) {
  const Document document = sample_document();
  const auto a = all_formats(document);
  EXPECT_EQ(a, all_formats(sample_document()));
  Document later = sample_document();
  later.processing.timestamp += 86400;
  const auto b = all_formats(later);
  const char* names[] = {"txt", "hocr", "alto", "tsv", "pdf", "page 1", "page 2"};
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool dated = i != 0 && i != 3;  // txt and TSV carry no date
    EXPECT_EQ(a[i] != b[i], dated) << names[i];
  }
}

TEST(DocumentWriter, EveryStructuredFormatRecordsVersionModelChecksumAndOptions) {
  const Document document = sample_document();
  const auto bytes = all_formats(document);
  const char* names[] = {"txt", "hocr", "alto", "tsv", "pdf", "page 1", "page 2"};
  for (std::size_t i : {1, 2, 4, 5, 6}) {  // the PDF in its Info dictionary
    EXPECT_NE(bytes[i].find(PLATEN_VERSION), std::string::npos) << names[i];
    EXPECT_NE(bytes[i].find("platen.platen"), std::string::npos) << names[i];
    EXPECT_NE(bytes[i].find("sha256:0123abcd"), std::string::npos) << names[i];
    EXPECT_NE(bytes[i].find("lang=ces+rus"), std::string::npos) << names[i];
  }
  // hOCR: in the meta elements; PAGE: Metadata/Comments; ALTO: processingStepSettings (its test).
  XmlDocPtr hocr = parse_xml(bytes[1]);
  ASSERT_TRUE(hocr);
  EXPECT_EQ(attr(nodes(hocr.get(), "//h:meta[@name='platen-model']")[0], "content"), "platen.platen sha256:0123abcd");
  EXPECT_EQ(attr(nodes(hocr.get(), "//h:meta[@name='platen-options']")[0], "content"), "lang=ces+rus");
  XmlDocPtr page = parse_xml(bytes[5]);
  ASSERT_TRUE(page);
  EXPECT_EQ(content(nodes(page.get(), "//p:Metadata/p:Created")[0]), "2023-11-14T22:13:20Z");
  EXPECT_NE(content(nodes(page.get(), "//p:Metadata/p:Comments")[0]).find("model platen.platen sha256:0123abcd; options lang=ces+rus"),
            std::string::npos);
}

TEST(ProcessingInfo, ChecksumOfTheModelFileAndTheOptionsThatChangeText) {
  const std::string dir = make_temp_dir();
  std::ofstream(dir + "/abc.platen", std::ios::binary) << "abc";
  EngineOptions options;
  options.model_path = dir + "/abc.platen";
  const ProcessingInfo info = processing_info(options, Precision::f32);
  EXPECT_EQ(info.model_name, "abc.platen");
  // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
  EXPECT_EQ(info.model_checksum, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(info.software_version, PLATEN_VERSION);
  EXPECT_EQ(describe_text_options(info), "lang=all precision=f32");
  EngineOptions missing;
  missing.model_path = dir + "/missing.platen";
  EXPECT_THROW(processing_info(missing, Precision::f32), Error);

  options.languages = {"deu", "eng"};
  options.dpi = 300;
  options.single_line = true;
  options.decoder.beam_width = 32;
  options.decoder.lm_weight = 0.75f;
  options.threads = 7;         // changes no text
  options.max_pixels = 1e6;    // changes no text
  options.keep_page_image = true;
  EXPECT_EQ(describe_text_options(processing_info(options, Precision::int8)),
            "lang=deu+eng precision=int8 dpi=300 line beam=32 lm-weight=0.75");
  options.languages.clear();
  options.use_language_model = false;
  EXPECT_EQ(describe_text_options(processing_info(options, Precision::f32)), "no-lm precision=f32 dpi=300 line");
}

TEST(ProcessingInfo, ShippedModelHasAStableChecksum) {
  const std::string model = source_dir() + "/models/platen.platen";
  ASSERT_TRUE(fs::exists(model));
  const std::string checksum = file_sha256(model);
  EXPECT_EQ(checksum.size(), 7u + 64u);
  EXPECT_EQ(checksum, file_sha256(model));
}

}  // namespace
}  // namespace platen
