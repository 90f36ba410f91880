#include "core/io/atomic_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

#include "core/common/error.h"

namespace steer {

void write_file_atomically(const std::filesystem::path& target, const std::function<void(std::ostream&)>& write) {
  namespace fs = std::filesystem;
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  const fs::path temp = folder / ("." + target.filename().string() + ".tmp-" + std::to_string(rd()));
  auto cleanup_and_throw = [&](const std::string& why) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw Error("cannot write " + target.string() + ": " + why);
  };
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) cleanup_and_throw(std::string(std::strerror(errno)) + " (is the folder writable?)");
    try {
      write(out);
    } catch (const std::exception& e) {
      out.close();
      cleanup_and_throw(e.what());
    }
    out.flush();
    if (!out) cleanup_and_throw(std::string("writing failed: ") + std::strerror(errno) + " (disk full?)");
  }
  int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) cleanup_and_throw(std::string("flushing to disk failed: ") + std::strerror(err));
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) cleanup_and_throw("renaming the finished file into place failed: " + ec.message());
}

}  // namespace steer
