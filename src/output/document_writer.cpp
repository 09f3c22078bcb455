#include "output/document_writer.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "output/alto_writer.h"
#include "output/hocr_writer.h"
#include "output/page_xml_writer.h"
#include "output/pdf_writer.h"
#include "output/tsv_writer.h"
#include "output/txt_writer.h"

namespace platen {

std::unique_ptr<DocumentWriter> make_document_writer(DocumentFormat format, const WriterOptions& options) {
  switch (format) {
    case DocumentFormat::txt: return std::make_unique<TxtWriter>(options.preserve_spacing);
    case DocumentFormat::hocr: return std::make_unique<HocrWriter>();
    case DocumentFormat::alto: return std::make_unique<AltoWriter>();
    case DocumentFormat::page: return std::make_unique<PageXmlWriter>();
    case DocumentFormat::tsv: return std::make_unique<TsvWriter>();
    case DocumentFormat::pdf: return std::make_unique<PdfWriter>();
  }
  throw Error("internal error: unknown output format");
}

namespace {
const DocumentFormat kFormats[] = {DocumentFormat::txt, DocumentFormat::hocr, DocumentFormat::alto,
                                   DocumentFormat::page, DocumentFormat::tsv, DocumentFormat::pdf};
}

std::string format_name(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::txt: return "txt";
    case DocumentFormat::hocr: return "hocr";
    case DocumentFormat::alto: return "alto";
    case DocumentFormat::page: return "page";
    case DocumentFormat::tsv: return "tsv";
    case DocumentFormat::pdf: return "pdf";
  }
  return "?";
}

std::string format_extension(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::txt: return ".txt";
    case DocumentFormat::hocr: return ".hocr";
    case DocumentFormat::alto: return ".alto.xml";
    case DocumentFormat::page: return ".page.xml";
    case DocumentFormat::tsv: return ".tsv";
    case DocumentFormat::pdf: return ".pdf";
  }
  return "";
}

DocumentFormat parse_document_format(const std::string& name) {
  for (DocumentFormat f : kFormats)
    if (format_name(f) == name) return f;
  throw UsageError("unknown output format '" + name + "' (known: txt hocr alto page tsv pdf; join several with ',', e.g. -f txt,alto)");
}

std::vector<DocumentFormat> parse_document_formats(const std::string& list) {
  std::vector<DocumentFormat> formats;
  std::stringstream in(list);
  std::string name;
  while (std::getline(in, name, ',')) {
    const DocumentFormat f = parse_document_format(name);
    bool seen = false;
    for (DocumentFormat g : formats) seen = seen || g == f;
    if (!seen) formats.push_back(f);
  }
  if (formats.empty() || list.back() == ',')
    throw UsageError("--format needs format names, e.g. -f txt or -f txt,alto,pdf");
  return formats;
}

std::string document_output_path(const std::string& directory, const std::string& input,
                                  DocumentFormat format, int page_number) {
  std::string stem = input == "-" ? "stdin" : std::filesystem::path(input).stem().string();
  if (page_number > 0) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%04d", page_number);
    stem += suffix;
  }
  return (std::filesystem::path(directory) / (stem + format_extension(format))).string();
}

void write_output_atomically(const std::string& path, const std::string& bytes) {
  const std::filesystem::path target(path);
  const std::filesystem::path temporary =
      target.parent_path() / ("." + target.filename().string() + "." + std::to_string(::getpid()) + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error("cannot write '" + path + "' (disk full or folder not writable?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error("cannot write '" + path + "': " + ec.message());
  }
}

}  // namespace platen
