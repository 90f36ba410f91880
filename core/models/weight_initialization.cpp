#include "core/models/weight_initialization.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <map>
#include <stdexcept>

#include "core/models/layers.h"
#include "core/models/module.h"

namespace steer {

namespace {

at::Tensor uniform(at::IntArrayRef shape, double bound, at::Generator& gen) {
  return at::empty(shape, at::kFloat).uniform_(-bound, bound, gen);
}

int64_t fan_in(const std::vector<int64_t>& shape) {
  int64_t f = shape.size() > 1 ? shape[1] : 1;
  for (size_t i = 2; i < shape.size(); ++i) f *= shape[i];
  return f;
}

}  // namespace

void initialize_weights(Module& root, const WeightInitialization& init) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(init.seed);
  // The expected shapes, by parameter slot.
  std::map<const at::Tensor*, std::vector<int64_t>> shapes;
  for (const auto& p : root.named_parameters()) shapes[p.tensor] = p.expected_shape;
  auto finish = [&](at::Tensor& slot, at::Tensor value) {
    slot = value.to(init.device, init.dtype);
    shapes.erase(&slot);
  };
  for (const auto& [path, module] : root.named_modules()) {
    if (auto* l = dynamic_cast<Linear*>(module)) {
      const auto& s = shapes.at(&l->weight);
      const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in(s)));
      finish(l->weight, uniform(s, bound, gen));
      if (shapes.count(&l->bias)) finish(l->bias, uniform(shapes.at(&l->bias), bound, gen));
    } else if (auto* c = dynamic_cast<Conv2d*>(module)) {
      const auto& s = shapes.at(&c->weight);
      const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in(s)));
      finish(c->weight, uniform(s, bound, gen));
      if (shapes.count(&c->bias)) finish(c->bias, uniform(shapes.at(&c->bias), bound, gen));
    } else if (auto* g = dynamic_cast<GroupNorm*>(module)) {
      finish(g->weight, at::ones(shapes.at(&g->weight), at::kFloat));
      finish(g->bias, at::zeros(shapes.at(&g->bias), at::kFloat));
    } else if (auto* n = dynamic_cast<LayerNorm*>(module)) {
      finish(n->weight, at::ones(shapes.at(&n->weight), at::kFloat));
      finish(n->bias, at::zeros(shapes.at(&n->bias), at::kFloat));
    } else if (auto* e = dynamic_cast<Embedding*>(module)) {
      finish(e->weight, at::randn(shapes.at(&e->weight), gen, at::kFloat) * init.embedding_std);
    }
  }
  if (!shapes.empty()) {
    std::string names;
    for (const auto& p : root.named_parameters())
      if (shapes.count(p.tensor)) names += (names.empty() ? "" : ", ") + p.name;
    throw std::logic_error("initialize_weights: no initialiser for " + names);
  }
}

}  // namespace steer
