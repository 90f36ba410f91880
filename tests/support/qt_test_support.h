#pragma once
// What the Qt Widgets tests share: finding a named child (a missing one fails the test,
// naming it), QString to std::string for messages, and the fixture paths CTest passes in
// STEER_FIXTURES (tests/CMakeLists.txt).
#include <QObject>
#include <QString>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "tests/support/test_harness.h"

namespace steer::testing {

inline std::string str(const QString& s) { return s.toStdString(); }

inline std::filesystem::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::filesystem::path(value) : std::filesystem::path();
}

// The tiny SD 1.x diffusers folder and its LoRA (tests/fixtures/make_parity_fixtures.py,
// make_lora_fixtures.py).
inline std::filesystem::path tiny_model_folder() { return env_path("STEER_FIXTURES") / "parity" / "sd1-tiny"; }
inline std::filesystem::path tiny_lora_file() { return env_path("STEER_FIXTURES") / "lora" / "sd1_lora_diffusers.safetensors"; }

// The child of `root` with this object name; REQUIRE fails the test when there is none.
template <class T>
T* child(QObject* root, const char* name) {
  T* found = root->findChild<T*>(QString::fromLatin1(name));
  if (!found) std::cerr << "no child " << name << "\n";
  REQUIRE(found != nullptr);
  return found;
}

}  // namespace steer::testing
