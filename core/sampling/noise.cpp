#include "core/sampling/noise.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>

namespace steer {

at::Generator make_cpu_generator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

at::Tensor draw_noise(at::IntArrayRef shape, at::Generator& generator, at::Device device, at::ScalarType dtype) {
  const at::Device gen_device = generator.device();
  if (gen_device.type() == device.type()) return at::randn(shape, generator, at::TensorOptions().dtype(dtype).device(device));
  if (gen_device.is_cpu()) return at::randn(shape, generator, at::TensorOptions().dtype(dtype)).to(device);
  throw std::invalid_argument("cannot draw noise for a " + device.str() + " tensor with a " + gen_device.str() + " generator");
}

}  // namespace steer
