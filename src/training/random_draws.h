#pragma once
// Random draws for rendering training data, shared by the line and page renderers.
// std::uniform_real_distribution and std::normal_distribution are implemented differently by
// libstdc++ and libc++; turning the generator's raw 32-bit output into numbers here keeps a seed
// reproducing the same image on every platform.

#include <cmath>
#include <random>

namespace platen::draws {

/// Uniform in [0, 1) with 24 bits of resolution.
inline double uniform01(std::mt19937& rng) { return (rng() >> 8) * (1.0 / 16777216.0); }
/// Uniform in [lo, hi).
inline double uniform(std::mt19937& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }
/// True with probability p.
inline bool chance(std::mt19937& rng, double p) { return uniform01(rng) < p; }
/// Gaussian draw by the Box–Muller transform (the second value of the pair is dropped).
inline double normal(std::mt19937& rng, double mean, double sd) {
  constexpr double kPi = 3.14159265358979323846;
  const double u1 = 1.0 - uniform01(rng);  // (0, 1], so the log is finite
  const double u2 = uniform01(rng);
  return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
}

}  // namespace platen::draws
