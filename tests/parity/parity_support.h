#pragma once
// Shared pieces of the parity tests: where the generated fixtures are, reading the
// reference tensors diffusers/transformers produced, and comparing within a tolerance.
#include <ATen/ATen.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "core/io/safetensors_file.h"
#include "tests/support/test_harness.h"

namespace steer::testing {

inline std::filesystem::path fixture_root() {
  const char* root = std::getenv("STEER_FIXTURES");
  if (!root) throw std::runtime_error("STEER_FIXTURES is not set: run this test through ctest (it generates the fixtures)");
  return std::filesystem::path(root) / "parity";
}

// The device the parity tests run on: STEER_TEST_DEVICE=cuda on the GPU machine
// (tests/gpu/run_gpu_checks.sh), the CPU otherwise.
inline at::Device test_device() {
  const char* d = std::getenv("STEER_TEST_DEVICE");
  const bool cuda = d && std::string(d) == "cuda";
  if (cuda) {
    // cuDNN convolutions default to TF32 (10-bit mantissa) on Ampere and later; the fp32
    // parity tests compare true fp32.
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
  }
  return cuda ? at::Device(at::kCUDA) : at::Device(at::kCPU);
}

// fp32 tolerance: 1e-4 max-abs on the CPU; 1e-3 on CUDA, whose kernels (cuDNN
// convolution algorithms, fused attention) sum in other orders (TF32 is switched off).
inline double fp32_tolerance() { return test_device().is_cuda() ? 1e-3 : 1e-4; }

struct Reference {
  std::shared_ptr<SafetensorsFile> file;
  explicit Reference(const std::string& name)
      : file(SafetensorsFile::open(fixture_root() / "reference" / (name + ".safetensors"))) {}
  at::Tensor operator[](const std::string& key) const { return file->tensor(key); }
  bool has(const std::string& key) const { return file->header().find(key) != nullptr; }
};

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

// max |a - b| / max |b|: the relative error used where magnitudes grow with model size.
inline double relative_error(const at::Tensor& a, const at::Tensor& b) {
  const double scale = b.to(at::kDouble).abs().max().item<double>();
  return max_abs_diff(a, b) / (scale > 0 ? scale : 1.0);
}

// Checks shape equality and max-abs difference; prints the measured value either way, so
// the test log records how close we are, not only that we passed.
#define CHECK_CLOSE(label, actual, expected, tolerance)                                                                \
  do {                                                                                                                 \
    const at::Tensor steer_a_ = (actual);                                                                              \
    const at::Tensor steer_e_ = (expected);                                                                            \
    if (steer_a_.sizes() != steer_e_.sizes()) {                                                                        \
      CHECK_MSG(false, std::string(label) << ": shape " << steer_a_.sizes() << " vs reference " << steer_e_.sizes());  \
    } else {                                                                                                           \
      const double steer_d_ = ::steer::testing::max_abs_diff(steer_a_, steer_e_);                                      \
      std::cout << "  " << label << ": max abs diff " << steer_d_ << " (tolerance " << (tolerance) << ")\n";           \
      CHECK_MSG(steer_d_ <= (tolerance), std::string(label) << ": max abs diff " << steer_d_ << " > " << (tolerance)); \
    }                                                                                                                  \
  } while (0)

#define CHECK_RELATIVE(label, actual, expected, tolerance)                                                             \
  do {                                                                                                                 \
    const at::Tensor steer_a_ = (actual);                                                                              \
    const at::Tensor steer_e_ = (expected);                                                                            \
    REQUIRE(steer_a_.sizes() == steer_e_.sizes());                                                                     \
    const double steer_r_ = ::steer::testing::relative_error(steer_a_, steer_e_);                                      \
    std::cout << "  " << label << ": relative error " << steer_r_ << " (tolerance " << (tolerance) << ")\n";           \
    CHECK_MSG(steer_r_ <= (tolerance), std::string(label) << ": relative error " << steer_r_ << " > " << (tolerance)); \
  } while (0)

}  // namespace steer::testing
