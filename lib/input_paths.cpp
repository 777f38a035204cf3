// SPDX-License-Identifier: MIT
// Finding inputs: walking folders and bucket mirrors, and the lists of paths of --files-from. With
// input.cpp, the only file of the core that touches the file system.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "trailsift/ascii.hpp"
#include "trailsift/digest.hpp"
#include "trailsift/input.hpp"
#include "trailsift/text_pattern.hpp"

namespace trailsift {

namespace fs = std::filesystem;

namespace {

bool all_digits(std::string_view text, std::size_t length) {
  return text.size() == length &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// When `directory` is a delivery folder of a trail (`.../CloudTrail/REGION/YYYY[/MM[/DD]]`), the
/// time just after the last delivery it can hold.
std::optional<UnixSeconds> delivery_folder_end(const fs::path& directory) {
  std::vector<std::string> parts;
  for (const auto& part : directory) {
    if (!part.empty()) parts.push_back(part.string());
  }
  const std::size_t n = parts.size();
  for (std::size_t depth : {3, 2, 1}) {
    if (n < depth + 2) continue;
    const std::string& kind = parts[n - depth - 2];
    if (kind != "CloudTrail" && kind != "CloudTrail-Insight") continue;
    const std::string& year = parts[n - depth];
    const std::string month = depth >= 2 ? parts[n - depth + 1] : "01";
    const std::string day = depth == 3 ? parts[n - 1] : "01";
    if (!all_digits(year, 4) || !all_digits(month, 2) || !all_digits(day, 2)) continue;
    const std::optional<UnixSeconds> start =
        parse_iso8601(fmt::format("{}-{}-{}T00:00:00Z", year, month, day));
    if (!start) return std::nullopt;  // not a date: a folder like any other
    if (depth == 3) return *start + 86400;
    const int y = std::stoi(year);
    const int m = std::stoi(month);
    if (depth == 2) {
      return parse_iso8601(m == 12 ? fmt::format("{:04}-01-01T00:00:00Z", y + 1)
                                   : fmt::format("{:04}-{:02}-01T00:00:00Z", y, m + 1));
    }
    return parse_iso8601(fmt::format("{:04}-01-01T00:00:00Z", y + 1));
  }
  return std::nullopt;
}

/// The delivery time in a CloudTrail log file's name, for a path inside a mirror.
std::optional<UnixSeconds> delivery_time(const std::string& path) {
  const std::size_t logs = path.rfind("AWSLogs/");
  if (logs == std::string::npos || (logs > 0 && path[logs - 1] != '/')) return std::nullopt;
  const std::optional<LogKey> key = parse_log_key(std::string_view(path).substr(logs));
  if (!key) return std::nullopt;
  return key->delivered;
}

/// Walks one command-line directory.
class Walker {
 public:
  Walker(const WalkOptions& options, InputList& list) : options_(options), list_(list) {
    if (options.range.start) not_before_ = *options.range.start - options.skew_allowance;
  }

  void walk(const fs::path& directory) {
    std::error_code error;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
      entries.push_back(*it);
    }
    if (error) {
      list_.errors.push_back(make_error(directory.string(), error.message()));
      return;
    }
    // Byte order of names, so every run and every machine reads the same files in the same order.
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().native() < b.path().native(); });
    for (const fs::directory_entry& entry : entries) visit(entry);
  }

 private:
  void skip(const fs::directory_entry& entry, std::string reason) {
    list_.skipped.push_back({entry.path().string(), std::move(reason)});
  }

  void visit(const fs::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    std::error_code error;
    const fs::file_status link_status = entry.symlink_status(error);
    if (error) {
      list_.errors.push_back(make_error(entry.path().string(), error.message()));
      return;
    }
    if (fs::is_directory(link_status)) {
      if (name == "CloudTrail-Digest") {
        list_.digest_folders.push_back(entry.path().string());  // digests are not events
        return;
      }
      if (const std::optional<UnixSeconds> end = delivery_folder_end(entry.path());
          end && not_before_ && *end <= *not_before_) {
        list_.outside_range += count_files(entry.path());
        return;
      }
      walk(entry.path());
      return;
    }
    const fs::file_status status = entry.status(error);
    if (fs::is_symlink(link_status) && error) {
      skip(entry, error == std::errc::too_many_symbolic_link_levels ? "a symbolic link loop"
                                                                    : "a dangling symbolic link");
      return;
    }
    if (fs::is_directory(status)) {
      skip(entry, "a symbolic link to a directory, not followed (name it to read it)");
      return;
    }
    const bool wanted = is_event_file_name(name) || matches_include(name);
    if (!wanted) {
      if (name.find("_CloudTrail-Digest_") == std::string::npos) {
        skip(entry, "not named as an event file (--include GLOB reads it)");
      }
      return;
    }
    if (!fs::is_regular_file(status)) {
      skip(entry, fs::is_fifo(status) ? "a FIFO (name it to read it)" : "not a regular file");
      return;
    }
    if (not_before_) {
      if (const std::optional<UnixSeconds> delivered = delivery_time(entry.path().string());
          delivered && *delivered < *not_before_) {
        ++list_.outside_range;
        return;
      }
    }
    const std::uintmax_t size = entry.file_size(error);
    list_.files.push_back({entry.path().string(), false, error ? 0 : size});
  }

  bool matches_include(std::string_view name) const {
    return std::any_of(options_.includes.begin(), options_.includes.end(),
                       [&](const std::string& glob) { return glob_match(glob, name, false); });
  }

  std::uint64_t count_files(const fs::path& directory) {
    std::uint64_t count = 0;
    std::error_code error;
    for (fs::recursive_directory_iterator it(directory, error), end; !error && it != end;
         it.increment(error)) {
      if (it->is_regular_file(error)) ++count;
    }
    return count;
  }

  const WalkOptions& options_;
  InputList& list_;
  std::optional<UnixSeconds> not_before_;  // nothing delivered before this can be in range
};

}  // namespace

bool is_event_file_name(std::string_view name) {
  if (name.find("_CloudTrail-Digest_") != std::string_view::npos) return false;
  if (ascii_ends_with_ignoring_case(name, ".gz")) name.remove_suffix(3);
  return ascii_ends_with_ignoring_case(name, ".json") ||
         ascii_ends_with_ignoring_case(name, ".jsonl") ||
         ascii_ends_with_ignoring_case(name, ".ndjson");
}

InputList expand_inputs(const std::vector<std::string>& paths, const WalkOptions& options) {
  InputList list;
  if (paths.empty()) {
    list.files.push_back({std::string(kStdinPath), true, 0});
    return list;
  }
  Walker walker(options, list);
  for (const std::string& path : paths) {
    if (path == kStdinPath) {
      list.files.push_back({path, true, 0});
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error) {
      list.errors.push_back(make_error(path, std::strerror(error.value())));
    } else if (fs::is_directory(status)) {
      walker.walk(path);
    } else {
      const std::uintmax_t size = fs::is_regular_file(status) ? fs::file_size(path, error) : 0;
      list.files.push_back({path, true, error ? 0 : size});
    }
  }
  return list;
}

Result<std::vector<std::string>> read_path_list(const std::string& path) {
  ByteBuffer scratch;
  ByteBuffer text;
  // A list of paths is small; the limit only guards against naming a log file by mistake.
  const ReadLimits limits{std::uint64_t{64} << 20};
  if (Status status = read_input(path, limits, scratch, text); !status) return status.error();
  std::vector<std::string> paths;
  std::string_view rest = text.view();
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) paths.emplace_back(line);
  }
  if (paths.empty()) return make_error(path, "lists no paths");
  return paths;
}

namespace {

/// What an entry that is neither a folder, a file nor a link is, for MirrorFile::not_a_file.
std::string not_a_file(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
  }
}

/// Why the link to a folder at `link` may not be walked, or "" when it may: it must stay inside
/// `real_root` and not lead to a folder that holds it (a loop). `within_link`: found in a folder
/// reached through a link; not walked, so that links cannot multiply what is listed.
std::string linked_folder_problem(const fs::path& link, const fs::path& real_root,
                                  bool within_link) {
  std::error_code error;
  const fs::path target = fs::canonical(link, error);
  const fs::path holder = fs::canonical(link.parent_path(), error);
  if (error) return "a symbolic link to a folder that cannot be resolved: not walked";
  if (holder == target ||
      holder.string().compare(0, target.string().size() + 1, target.string() + "/") == 0) {
    return "a symbolic link to a folder that holds it: not walked";
  }
  const std::string inside = real_root.string() + "/";
  if (target.string().compare(0, inside.size(), inside) != 0) {
    return "a symbolic link to a folder outside the mirror: not walked";
  }
  if (within_link) return "a symbolic link to a folder, inside a linked folder: not walked";
  return "";
}

}  // namespace

Result<std::vector<MirrorFile>> list_mirror(const std::string& root) {
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return make_error(root, error ? error.message() : "not a directory");
  }
  const fs::path real_root = fs::canonical(root, error);
  if (error) return make_error(root, error.message());
  struct Folder {
    fs::path path;
    std::string prefix;  // its key, with a trailing '/'
    bool linked;         // reached through a symbolic link
  };
  std::vector<MirrorFile> files;
  std::vector<Folder> pending = {{fs::path(root), "", false}};
  while (!pending.empty()) {
    const Folder folder = std::move(pending.back());
    pending.pop_back();
    for (fs::directory_iterator it(folder.path, error), end; !error && it != end;
         it.increment(error)) {
      MirrorFile file{folder.prefix + it->path().filename().string(), 0, folder.linked, ""};
      const fs::file_status status = it->symlink_status(error);
      if (error) break;
      std::error_code target_error;
      const fs::file_status target = fs::is_symlink(status) ? it->status(target_error) : status;
      file.symlink = file.symlink || fs::is_symlink(status);
      if (fs::is_directory(target)) {
        if (fs::is_symlink(status)) {
          file.not_a_file = linked_folder_problem(it->path(), real_root, folder.linked);
        }
        if (file.not_a_file.empty()) {
          pending.push_back({it->path(), file.key + "/", file.symlink});
          continue;
        }
      } else if (fs::is_regular_file(target)) {
        const std::uintmax_t size = fs::file_size(it->path(), target_error);
        file.size = target_error ? 0 : size;
      } else if (fs::exists(target)) {
        file.not_a_file = not_a_file(target.type());
      }
      files.push_back(std::move(file));  // a dangling link is listed as a link, size 0
    }
    if (error) return make_error(folder.path.string(), error.message());
  }
  // Byte order of keys, so every run and every machine sees the files in the same order.
  std::sort(files.begin(), files.end(),
            [](const MirrorFile& a, const MirrorFile& b) { return a.key < b.key; });
  return files;
}

ResolvedKey resolve_mirror_key(const std::string& root, std::string_view key) {
  ResolvedKey resolved;
  resolved.path = root;
  if (!resolved.path.empty() && resolved.path.back() != '/') resolved.path += '/';
  resolved.path += key;
  auto outside = [&](std::string reason) {
    resolved.place = KeyPlace::kOutside;
    resolved.reason = std::move(reason);
    return resolved;
  };
  if (key.empty()) return outside("an empty key");
  if (key.front() == '/') return outside("an absolute key");
  if (key.find('\0') != std::string_view::npos) return outside("a key with a NUL byte");
  for (std::size_t pos = 0; pos <= key.size();) {
    const std::size_t slash = std::min(key.find('/', pos), key.size());
    const std::string_view part = key.substr(pos, slash - pos);
    if (part == "..") return outside("a key with '..'");
    if (part.empty() || part == ".") return outside("a key with an empty or '.' part");
    pos = slash + 1;
  }
  // Walk the key part by part without following links; a link is resolved only to check that
  // it stays inside the root.
  std::error_code error;
  fs::path path(root);
  bool through_link = false;
  for (std::size_t pos = 0; pos <= key.size();) {
    const std::size_t slash = std::min(key.find('/', pos), key.size());
    path /= std::string(key.substr(pos, slash - pos));
    const fs::file_status status = fs::symlink_status(path, error);
    if (error || !fs::exists(status)) return resolved;  // kMissing
    if (fs::is_symlink(status)) {
      through_link = true;
      break;
    }
    pos = slash + 1;
  }
  if (through_link) {
    const fs::path real_root = fs::canonical(root, error);
    if (error) return resolved;
    const fs::path target = fs::canonical(resolved.path, error);
    if (error) return resolved;  // a dangling link: missing, and never read
    const std::string inside = real_root.string() + "/";
    if (target.string().compare(0, inside.size(), inside) != 0) {
      return outside("a symbolic link");
    }
  }
  if (!fs::is_regular_file(resolved.path, error)) return resolved;
  resolved.place = KeyPlace::kInside;
  return resolved;
}

}  // namespace trailsift
