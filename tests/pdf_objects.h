#pragma once
// A PDF file from its numbered objects, as a hand would write one: for the tests' and the fuzz
// seeds' small hand-made PDFs (never for Platen's output, which qpdf writes). Header-only.

#include <cstdio>
#include <string>
#include <vector>

namespace platen::test {

/// The bytes of a PDF whose objects are `objects` (object i + 1 is objects[i], its body between
/// "obj" and "endobj"), after `header` (e.g. "%PDF-1.4\n"), with a cross-reference table and a
/// trailer whose /Root is object 1.
inline std::string pdf_from_objects(const std::string& header, const std::vector<std::string>& objects) {
  std::string out = header;
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t o : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", o);
    out += entry;
  }
  return out + "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
}

}  // namespace platen::test
