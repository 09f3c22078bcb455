#pragma once
// A thin RAII wrapper over libxml2's xmlTextWriter writing UTF-8 XML into memory: libxml2
// escapes text and attributes, so no writer assembles XML from strings.

#include <libxml/xmlwriter.h>

#include <string>

namespace platen {

/// Writes one XML document into memory. Each call throws Error when libxml2 fails (out of
/// memory). Not thread-safe; one per document.
class XmlWriter {
 public:
  /// Starts the document (XML declaration, UTF-8); `indent` pretty-prints with two spaces.
  explicit XmlWriter(bool indent = true);
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  /// <!DOCTYPE name PUBLIC "public_id" "system_id">
  void doctype(const char* name, const char* public_id, const char* system_id);
  void start(const char* element);
  void attribute(const char* name, const std::string& value);
  void attribute(const char* name, int value) { attribute(name, std::to_string(value)); }
  void text(const std::string& text);
  /// <!--text--> (text made comment-safe first).
  void comment(const std::string& text);
  void end();
  /// <element>text</element>
  void element(const char* element, const std::string& text);
  /// Ends every open element and the document; returns the bytes.
  std::string finish();

 private:
  void check(int rc, const char* what);
  xmlBufferPtr buffer_ = nullptr;
  xmlTextWriterPtr writer_ = nullptr;
};

/// Formats a float for an attribute with at most `decimals` decimals, no trailing zeros
/// ("0.95", "1"), the same on every machine (C locale).
std::string format_decimal(double value, int decimals);

}  // namespace platen
