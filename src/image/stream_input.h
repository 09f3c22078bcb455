#pragma once
// Inputs that can be read only once: standard input, FIFOs (`ocr <(scanimage …)`), devices.

#include <cstdint>
#include <string>
#include <vector>

namespace platen {

/// Seconds a stream may stay silent before it fails: 60, or PLATEN_STREAM_TIMEOUT (seconds,
/// > 0) when set, so that tests need not wait a minute.
double stream_timeout_seconds();

/// True when `path` names a FIFO, socket or character/block device (read it with read_stream).
bool is_stream_input(const std::string& path);

/// Reads all of the stream at `path` ("-" for standard input) until its end. Opening does not
/// wait for a writer; a writer silent for `timeout_seconds` (none yet, or none since its last
/// bytes) fails the input. Throws ImageError naming `name` (read error, silence).
std::vector<std::uint8_t> read_stream(const std::string& path, const std::string& name, double timeout_seconds);

}  // namespace platen
