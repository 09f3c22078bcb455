#include "pipeline/page_confidence.h"

namespace platen {

bool read_with_low_confidence(const PageResult& page) {
  return !page.lines.empty() && page.confidence < kLowPageConfidence;
}

}  // namespace platen
