#pragma once
// The toy world's random numbers. The standard distributions (std::uniform_int_distribution
// and friends) are implementation-defined, so the same seed would draw different scenes
// with libstdc++, libc++ and MSVC; the toy world's images and captions must be identical
// on every platform, so it draws from its own generator with its own, exact mappings.
#include <cstdint>

namespace steer::demo {

// One step of SplitMix64 (Steele, Lea and Flood): a good 64-bit mix of any input, used
// both as the generator's step and to derive independent streams from (seed, index).
constexpr uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class ToyRandom {
 public:
  explicit constexpr ToyRandom(uint64_t seed) : state_(seed) {}

  // A stream that depends on both numbers, so scene i of a dataset can be drawn without
  // drawing scenes 0..i-1 first.
  static constexpr ToyRandom stream(uint64_t seed, uint64_t index) {
    return ToyRandom(splitmix64_mix(seed ^ splitmix64_mix(index + 0x9E3779B97F4A7C15ULL)));
  }

  constexpr uint64_t next_u64() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return splitmix64_mix(state_);
  }

  // Uniform in [0, 1) with 53 random bits: exact in IEEE double, so identical everywhere.
  constexpr double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  constexpr double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [0, n) for n > 0, without modulo bias (the short last block of
  // 2^64 is rejected).
  constexpr uint64_t below(uint64_t n) {
    const uint64_t limit = (0 - n) % n;  // 2^64 mod n: values under it are rejected
    for (;;) {
      const uint64_t r = next_u64();
      if (r >= limit) return r % n;
    }
  }

  constexpr bool chance(double probability) { return uniform() < probability; }

 private:
  uint64_t state_;
};

}  // namespace steer::demo
