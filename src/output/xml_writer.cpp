#include "output/xml_writer.h"

#include <cstdio>

#include "core/errors.h"
#include "output/document.h"

namespace platen {

namespace {
const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const xmlChar* x(const std::string& s) { return reinterpret_cast<const xmlChar*>(s.c_str()); }
}  // namespace

XmlWriter::XmlWriter(bool indent) {
  buffer_ = xmlBufferCreate();
  if (!buffer_) throw Error("out of memory while writing XML");
  writer_ = xmlNewTextWriterMemory(buffer_, 0);
  if (!writer_) {
    xmlBufferFree(buffer_);
    throw Error("out of memory while writing XML");
  }
  if (indent) {
    xmlTextWriterSetIndent(writer_, 1);
    xmlTextWriterSetIndentString(writer_, x("  "));
  }
  check(xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr), "start");
}

XmlWriter::~XmlWriter() {
  if (writer_) xmlFreeTextWriter(writer_);
  if (buffer_) xmlBufferFree(buffer_);
}

void XmlWriter::check(int rc, const char* what) {
  if (rc < 0) throw Error(std::string("cannot write XML (") + what + "): out of memory or invalid text");
}

void XmlWriter::doctype(const char* name, const char* public_id, const char* system_id) {
  check(xmlTextWriterWriteDTD(writer_, x(name), x(public_id), x(system_id), nullptr), "doctype");
}
void XmlWriter::start(const char* element) { check(xmlTextWriterStartElement(writer_, x(element)), element); }
void XmlWriter::attribute(const char* name, const std::string& value) {
  check(xmlTextWriterWriteAttribute(writer_, x(name), x(value)), name);
}
void XmlWriter::text(const std::string& text) { check(xmlTextWriterWriteString(writer_, x(text)), "text"); }
void XmlWriter::comment(const std::string& text) {
  check(xmlTextWriterWriteComment(writer_, x(" " + comment_safe(text) + " ")), "comment");
}
void XmlWriter::end() { check(xmlTextWriterEndElement(writer_), "end"); }
void XmlWriter::element(const char* element, const std::string& text) {
  start(element);
  this->text(text);
  end();
}

std::string XmlWriter::finish() {
  check(xmlTextWriterEndDocument(writer_), "end of document");
  xmlFreeTextWriter(writer_);  // flushes into the buffer
  writer_ = nullptr;
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
                     static_cast<std::size_t>(xmlBufferLength(buffer_)));
}

std::string format_decimal(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string s = buffer;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace platen
