#include "core/export/export_files.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string>

#include "core/common/error.h"

namespace steer::export_detail {
namespace fs = std::filesystem;

std::string random_tag() {
  std::random_device entropy;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string tag;
  for (int i = 0; i < 8; ++i) tag += "0123456789abcdef"[digit(entropy)];
  return tag;
}

void write_bytes_atomically(const fs::path& target, std::string_view content) {
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const fs::path temporary = folder / ("." + target.filename().string() + ".tmp-" + random_tag());
  int fd = -1;
  auto fail = [&](const std::string& reason) {
    if (fd >= 0) ::close(fd);
    ::unlink(temporary.c_str());
    throw Error("Could not write " + target.string() + ": " + reason);
  };
  fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    const int err = errno;
    fd = -1;
    throw Error("Could not write " + target.string() + ": " + std::strerror(err));
  }
  const char* data = content.data();
  size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::strerror(errno));
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) fail(std::string("flushing to disk failed: ") + std::strerror(errno));
  const int closed = ::close(fd);
  fd = -1;
  if (closed != 0) fail(std::strerror(errno));
  if (::rename(temporary.c_str(), target.c_str()) != 0) fail(std::strerror(errno));
}

std::string read_bytes(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("Could not read " + path.string() + ": " + std::strerror(errno));
  std::string bytes;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw Error("Could not read " + path.string() + ": " + std::strerror(err));
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

void sync_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("Could not write " + path.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw Error("Could not write " + path.string() + ": flushing to disk failed: " + std::strerror(err));
}

void sync_folder(const fs::path& folder) noexcept {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

bool rename_folder_no_replace(const fs::path& from, const fs::path& to) {
#if defined(__linux__) && defined(RENAME_NOREPLACE)
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  if (errno != EINVAL && errno != ENOSYS)
    throw Error("Could not rename " + from.string() + " to " + to.string() + ": " + std::strerror(errno));
    // The file system does not support RENAME_NOREPLACE: check, then rename.
#endif
  struct stat info;
  if (::lstat(to.c_str(), &info) == 0) return false;
  // rename() would replace an empty folder of that name; the check above rules that out
  // (a folder appearing between check and rename is the remaining, tiny window).
  if (::rename(from.c_str(), to.c_str()) == 0) return true;
  if (errno == EEXIST || errno == ENOTEMPTY) return false;
  throw Error("Could not rename " + from.string() + " to " + to.string() + ": " + std::strerror(errno));
}

}  // namespace steer::export_detail
