#include "core/errors.h"

namespace platen {

// Out of line, so that each exception's type information lives in the library alone and a
// caller's catch matches what the library throws.
Error::~Error() = default;
ImageError::~ImageError() = default;
ModelError::~ModelError() = default;

}  // namespace platen
