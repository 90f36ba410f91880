#pragma once
// Noise draws, as diffusers' randn_tensor makes them (docs/model-notes.md §6.11). With a CPU generator the
// noise is drawn on the CPU *in the requested dtype* and then moved to the device, so a seed
// gives the same numbers on every device. Note that torch draws fp16/bf16 normals
// differently from fp32 ones (not a rounding of them): a fp16 pipeline's latents differ
// from a fp32 pipeline's for the same seed, in diffusers and here.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>

namespace steer {

// torch.Generator().manual_seed(seed): a CPU generator.
at::Generator make_cpu_generator(uint64_t seed);

// randn_tensor(shape, generator, device, dtype): a CPU generator draws on the CPU and the
// result moves to `device`; a generator of the device's own type draws there. A CUDA
// generator with a CPU device is an error, as in diffusers.
at::Tensor draw_noise(at::IntArrayRef shape, at::Generator& generator, at::Device device, at::ScalarType dtype);

}  // namespace steer
