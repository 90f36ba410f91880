#pragma once
// Nothing a user made is ever half-written: files are written to a temporary name in the
// destination folder, flushed, then renamed over the target in one step.
#include <filesystem>
#include <functional>
#include <ostream>

namespace steer {

// Calls `write` with a stream on a temporary file next to `target`, then fsyncs and
// renames it to `target`. On any failure the temporary file is removed and steer::Error
// names the target path and the reason (e.g. "No space left on device").
void write_file_atomically(const std::filesystem::path& target, const std::function<void(std::ostream&)>& write);

}  // namespace steer
