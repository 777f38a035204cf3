// SPDX-License-Identifier: MIT
// "Did you mean ...?": the known names closest to a mistyped one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trailsift {

/// The candidates within a small edit distance of `word` (insertions, deletions, substitutions
/// and transpositions of adjacent letters, without regard to ASCII case), closest first, at
/// most `limit` of them. Empty when none is close enough to be a likely typo.
std::vector<std::string> closest_names(std::string_view word,
                                       const std::vector<std::string_view>& candidates,
                                       std::size_t limit = 3);

/// "did you mean 'a' or 'b'?", or empty when there is nothing to suggest.
std::string did_you_mean(const std::vector<std::string>& names);

}  // namespace trailsift
