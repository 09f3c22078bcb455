#include "platen/version.h"

namespace platen {

const char* version() { return PLATEN_VERSION_STRING; }

}  // namespace platen
