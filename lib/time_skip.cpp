// SPDX-License-Identifier: MIT
#include "trailsift/time_skip.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "trailsift/digest.hpp"

namespace trailsift {
namespace {

std::string_view file_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// The period of events each log file holds, by file name, from the digests in `folder`.
void index_digests(const std::string& folder, std::optional<UnixSeconds> not_before,
                   std::unordered_map<std::string, std::pair<UnixSeconds, UnixSeconds>>& periods) {
  Result<std::vector<MirrorFile>> listed = list_mirror(folder);
  if (!listed) return;  // no digests to help: every file is read
  ByteBuffer raw;
  ByteBuffer text;
  for (const MirrorFile& file : *listed) {
    const std::string path = folder + "/" + file.key;
    // A digest lists the files delivered in its hour: those from a day before the first file
    // that can matter are of no use.
    const std::optional<DigestKey> key = parse_digest_key(path);
    if (file.symlink || (key && not_before && key->end < *not_before - 86400)) continue;
    if (!read_input(path, {}, raw, text)) continue;
    Result<Digest> digest = parse_digest(text.view());
    if (!digest) continue;
    for (const DigestLogFile& log : digest->log_files) {
      const std::optional<UnixSeconds> oldest = parse_iso8601(log.oldest_event_time);
      const std::optional<UnixSeconds> newest = parse_iso8601(log.newest_event_time);
      if (!oldest || !newest) continue;
      periods[std::string(file_name(log.s3_object))] = {*oldest, *newest};
    }
  }
}

}  // namespace

std::uint64_t drop_files_outside_range(std::vector<InputFile>& files,
                                       const std::vector<std::string>& digest_folders,
                                       const TimeRange& range,
                                       std::optional<UnixSeconds> not_before) {
  if (!range.bounded() || digest_folders.empty()) return 0;
  std::unordered_map<std::string, std::pair<UnixSeconds, UnixSeconds>> periods;
  for (const std::string& folder : digest_folders) index_digests(folder, not_before, periods);
  const auto outside = [&](const InputFile& file) {
    if (file.named) return false;
    const auto found = periods.find(std::string(file_name(file.path)));
    if (found == periods.end()) return false;
    const auto [oldest, newest] = found->second;
    return (range.start && newest < *range.start) || (range.end && oldest > *range.end);
  };
  const auto kept = std::remove_if(files.begin(), files.end(), outside);
  const auto dropped = static_cast<std::uint64_t>(files.end() - kept);
  files.erase(kept, files.end());
  return dropped;
}

}  // namespace trailsift
