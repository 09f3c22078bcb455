// Fuzz target: a recognition model file (models/*.platen) from memory, CRC trailer fixed up
// (fuzz_target.h), then its layer shapes derived as building the network does.
#include <string>

#include "core/errors.h"
#include "fuzz_target.h"
#include "recognition/model.h"

namespace platen::fuzz {

std::string fuzz_one(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes = with_fixed_crc(data, size);
  try {
    const Model model = Model::deserialise(bytes, "fuzz input");
    const std::vector<ConvolutionShape> shapes = model.convolution_shapes();
    return "classes=" + std::to_string(model.alphabet.size()) + " height=" + std::to_string(model.input_height) +
           " convolutions=" + std::to_string(shapes.size()) + " parameters=" + std::to_string(model.parameter_count()) +
           " layout=" + model.spec.to_string();
  } catch (const Error&) {
    return "refused";
  }
}

}  // namespace platen::fuzz
