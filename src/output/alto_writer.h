#pragma once
// ALTO 4.4 (namespace http://www.loc.gov/standards/alto/ns-v4#), valid against alto-4-4.xsd:
//   Description: MeasurementUnit pixel, sourceImageInformation/fileName, OCRProcessing
//     (date, Platen's name and version, the model and the text-changing options)
//   Layout/Page per page (ID page_N, PHYSICAL_IMG_NR N, WIDTH, HEIGHT), PrintSpace, then
//   TextBlock (reading order, LANG) / TextLine (box, BASELINE "x,y x,y") / String (CONTENT,
//   box, WC 0–1, CC one digit per character, 0 sure … 9 unsure) with SP between words and HYP
//   for a line-end hyphen (the String holds the word without it).
// A failed page is an empty Page with the error in a comment.

#include "output/document_writer.h"

namespace platen {

class AltoWriter : public DocumentWriter {
 public:
  WriteResult write(const Document& document) const override;
};

/// A polyline as "x,y x,y …" (ALTO PointsType, PAGE PointsType).
std::string points_attribute(const Polygon& points);

}  // namespace platen
