#pragma once
// The engine's error type. Messages are written for the person who has to fix the
// input: they name the file, the key or setting, what was found and what was expected.
#include <stdexcept>
#include <string>

namespace steer {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file or folder the user gave us is not usable (format, content, layout).
class InputError : public Error {
 public:
  using Error::Error;
};

// A loaded model's weights do not fit its architecture (missing/unexpected keys, shapes).
class WeightMismatchError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace steer
