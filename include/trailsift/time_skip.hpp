// SPDX-License-Identifier: MIT
// Reading only the log files of a bucket mirror that can hold events in a time range, from what
// the mirror's digest files say of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trailsift/input.hpp"
#include "trailsift/time.hpp"

namespace trailsift {

/// Removes from `files` the walked (not named) log files that a digest in `digest_folders`
/// (`CloudTrail-Digest` folders of the same mirror) lists with an oldestEventTime and a
/// newestEventTime both outside `range`, and returns how many. Digests are matched to log files
/// by file name; a file no readable digest lists is kept. Only digests delivered on or after the
/// day of `not_before` are read (files delivered earlier were skipped already). The digests are
/// taken at their word: `trailsift validate` is what proves them.
std::uint64_t drop_files_outside_range(std::vector<InputFile>& files,
                                       const std::vector<std::string>& digest_folders,
                                       const TimeRange& range,
                                       std::optional<UnixSeconds> not_before);

}  // namespace trailsift
