#pragma once
// File-system steps of an export (internal to steer_export): atomic text files, syncing a
// folder, and renaming a folder without ever replacing an existing one.
#include <filesystem>
#include <string>
#include <string_view>

namespace steer::export_detail {

// Writes `content` (any bytes) to a hidden temporary file next to `target`, fsyncs it and renames it
// to `target`. On failure the temporary is removed and steer::Error says
// "Could not write <target>: <reason>" (e.g. "No space left on device").
void write_bytes_atomically(const std::filesystem::path& target, std::string_view content);

// fsync on a finished file, so a delayed write error (full disk, I/O error) surfaces here.
// Throws steer::Error naming the path and the reason.
void sync_file(const std::filesystem::path& path);

// fsync on a folder, so renames inside it survive a power cut. Best effort: errors ignored.
void sync_folder(const std::filesystem::path& folder) noexcept;

// Renames folder `from` to `to` only if nothing named `to` exists (atomically where the
// kernel supports it). Returns false if `to` exists; throws steer::Error on other failures.
bool rename_folder_no_replace(const std::filesystem::path& from, const std::filesystem::path& to);

// The whole file as bytes; throws steer::Error naming the path and the reason.
std::string read_bytes(const std::filesystem::path& path);

// Eight random hex digits.
std::string random_tag();

}  // namespace steer::export_detail
