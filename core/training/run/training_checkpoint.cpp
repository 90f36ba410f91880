#include "core/training/run/training_checkpoint.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/common/error.h"
#include "core/io/atomic_write.h"
#include "core/io/diffusers_folder.h"
#include "core/io/safetensors_file.h"
#include "core/io/safetensors_writer.h"
#include "core/training/lora_training_step.h"
#include "core/training/run/model_folder_writer.h"

namespace fs = std::filesystem;

namespace steer::training {

namespace {

constexpr const char* kPrefix = "step-";

std::optional<int> step_of(const fs::path& folder) {
  const std::string name = folder.filename().string();
  if (name.rfind(kPrefix, 0) != 0 || name.size() <= 5) return std::nullopt;
  const std::string digits = name.substr(5);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoi(digits);
}

std::vector<std::pair<int, fs::path>> complete_checkpoints(const fs::path& folder) {
  std::vector<std::pair<int, fs::path>> out;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return out;
  for (const auto& e : fs::directory_iterator(folder)) {
    auto step = step_of(e.path());
    if (step && fs::exists(e.path() / "state.json")) out.emplace_back(*step, e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string state_key(const std::string& component, const std::string& name, const char* what) {
  return component + "/" + name + "/" + what;
}

}  // namespace

std::string checkpoint_name(int step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06d", kPrefix, step);
  return buf;
}

fs::path write_checkpoint(const fs::path& checkpoints_folder, const CheckpointProgress& progress,
                          const std::vector<ParameterGroup>& groups, const std::vector<AdamW*>& optimizers,
                          const std::function<void(const fs::path&)>& write_weights, int keep) {
  const fs::path target = checkpoints_folder / checkpoint_name(progress.step);
  const fs::path staging = checkpoints_folder / ("." + checkpoint_name(progress.step) + ".partial-" + std::to_string(::getpid()));
  std::error_code ec;
  try {
    fs::create_directories(checkpoints_folder);
    fs::remove_all(staging, ec);
    fs::create_directories(staging);
    write_weights(staging);

    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (size_t g = 0; g < groups.size(); ++g) {
      AdamW& opt = *optimizers[g];
      std::vector<int64_t> steps = opt.parameter_steps();
      for (size_t i = 0; i < groups[g].names.size(); ++i) {
        tensors.emplace_back(state_key(groups[g].component, groups[g].names[i], "exp_avg"), opt.exp_avg()[i].detach().cpu());
        tensors.emplace_back(state_key(groups[g].component, groups[g].names[i], "exp_avg_sq"),
                             opt.exp_avg_sq()[i].detach().cpu());
      }
      tensors.emplace_back(groups[g].component + "/parameter_steps", at::tensor(steps, at::kLong));
    }
    write_safetensors(staging / "optimizer.safetensors", tensors, {{"format", "steer-training-state"}});

    json::Value state{json::Object{}};
    state.set("format", 1);
    state.set("step", progress.step);
    json::Array losses;
    for (double l : progress.losses) losses.emplace_back(l);
    state.set("losses", std::move(losses));
    state.set("loss_scale", progress.loss_scale);
    state.set("good_steps", progress.good_steps);
    state.set("elapsed_seconds", progress.elapsed_seconds);
    // state.json last: its presence marks a complete checkpoint even before the rename.
    write_file_atomically(staging / "state.json", [&](std::ostream& out) { out << state.dump(2) << "\n"; });
    replace_folder(staging, target);
  } catch (const std::exception& e) {
    fs::remove_all(staging, ec);
    throw Error("checkpoint " + target.string() + " was not written (the previous checkpoints are intact): " + e.what());
  }
  // Rolling window: the newest `keep` survive.
  auto all = complete_checkpoints(checkpoints_folder);
  for (size_t i = 0; i + static_cast<size_t>(keep) < all.size(); ++i) fs::remove_all(all[i].second, ec);
  return target;
}

std::optional<fs::path> newest_checkpoint(const fs::path& checkpoints_folder) {
  std::error_code ec;
  if (fs::is_directory(checkpoints_folder, ec))
    for (const auto& e : fs::directory_iterator(checkpoints_folder)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(".step-", 0) == 0) fs::remove_all(e.path(), ec);  // an interrupted write
    }
  auto all = complete_checkpoints(checkpoints_folder);
  if (all.empty()) return std::nullopt;
  return all.back().second;
}

CheckpointProgress read_checkpoint_progress(const fs::path& checkpoint) {
  const json::Value state = read_json_file(checkpoint / "state.json");
  CheckpointProgress p;
  try {
    p.step = static_cast<int>(state.at("step").as_int());
    for (const auto& l : state.at("losses").as_array()) p.losses.push_back(l.as_number());
    p.loss_scale = json::number_or(state, "loss_scale", 65536.0);
    p.good_steps = static_cast<int>(json::int_or(state, "good_steps", 0));
    p.elapsed_seconds = json::number_or(state, "elapsed_seconds", 0.0);
  } catch (const std::exception& e) {
    throw InputError((checkpoint / "state.json").string() + ": not a training checkpoint state (" + e.what() + ")");
  }
  if (static_cast<int>(p.losses.size()) != p.step)
    throw InputError((checkpoint / "state.json").string() + ": holds " + std::to_string(p.losses.size()) + " losses for step " +
                     std::to_string(p.step));
  return p;
}

void read_optimizer_state(const fs::path& checkpoint, const std::vector<ParameterGroup>& groups,
                          const std::vector<AdamW*>& optimizers) {
  const fs::path file = checkpoint / "optimizer.safetensors";
  auto st = SafetensorsFile::open(file);
  auto find = [&](const std::string& key, const at::Tensor& like) {
    at::Tensor t;
    try {
      t = st->tensor(key);
    } catch (const std::exception&) {
      throw InputError(file.string() + ": has no \"" + key + "\"; the checkpoint belongs to another run's settings");
    }
    if (like.defined() && t.sizes() != like.sizes())
      throw InputError(file.string() + ": \"" + key + "\" has shape " + c10::str(t.sizes()) + ", expected " +
                       c10::str(like.sizes()));
    return t;
  };
  at::NoGradGuard no_grad;
  for (size_t g = 0; g < groups.size(); ++g) {
    AdamW& opt = *optimizers[g];
    at::Tensor steps = find(groups[g].component + "/parameter_steps", at::Tensor());
    if (steps.numel() != static_cast<int64_t>(groups[g].names.size()))
      throw InputError(file.string() + ": " + groups[g].component + " has " + std::to_string(steps.numel()) +
                       " parameters, this run has " + std::to_string(groups[g].names.size()));
    int64_t max_step = 0;
    for (size_t i = 0; i < groups[g].names.size(); ++i) {
      opt.exp_avg()[i].copy_(find(state_key(groups[g].component, groups[g].names[i], "exp_avg"), opt.exp_avg()[i]));
      opt.exp_avg_sq()[i].copy_(find(state_key(groups[g].component, groups[g].names[i], "exp_avg_sq"), opt.exp_avg_sq()[i]));
      opt.parameter_steps()[i] = steps[static_cast<int64_t>(i)].item<int64_t>();
      max_step = std::max(max_step, opt.parameter_steps()[i]);
    }
    opt.set_step_count(max_step);
  }
}

}  // namespace steer::training
