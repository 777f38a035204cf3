// SPDX-License-Identifier: MIT
// The saved state of validate (--state): versioned JSON whose last member is the SHA-256 of
// everything before it, so that a truncated or damaged file is refused rather than trusted.
#include "trailsift/validation_state.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailsift/digest.hpp"
#include "validation_internal.hpp"

namespace trailsift {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kVersionKey = "trailsift_validate_state";
constexpr std::uint64_t kVersion = 1;
constexpr std::string_view kChecksumKey = ",\n\"checksum\":\"";

Error malformed(std::string_view what) {
  return make_error("", fmt::format("malformed state: {}", what));
}

Result<std::string> string_field(const object& fields, std::string_view name) {
  std::string_view value;
  if (fields[name].get_string().get(value) != simdjson::SUCCESS) {
    return malformed(fmt::format("{} is missing or not a string", name));
  }
  return std::string(value);
}

Result<ChainHead> parse_head(element value) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS)
    return malformed("a chain is not an object");
  ChainHead head;
  for (auto [name, field] : {std::pair{"key", &head.key}, std::pair{"signature", &head.signature},
                             std::pair{"sha256", &head.sha256}}) {
    Result<std::string> text = string_field(fields, name);
    if (!text) return text.error();
    *field = std::move(*text);
  }
  Result<std::string> end = string_field(fields, "end");
  if (!end) return end.error();
  const std::optional<UnixSeconds> time = parse_iso8601(*end);
  if (!time) return malformed("a chain's end is not a time");
  head.end = *time;
  return head;
}

Result<std::pair<std::string, KnownFile>> parse_file(element value) {
  object fields;
  if (value.get_object().get(fields) != simdjson::SUCCESS)
    return malformed("a file is not an object");
  Result<std::string> key = string_field(fields, "key");
  if (!key) return key.error();
  KnownFile file;
  if (fields["size"].get_uint64().get(file.size) != simdjson::SUCCESS ||
      fields["gzip"].get_bool().get(file.gzip) != simdjson::SUCCESS) {
    return malformed("a file lacks its size or gzip");
  }
  std::string_view digest;
  if (fields["digest"].get_string().get(digest) == simdjson::SUCCESS) {
    // A digest's hash is computed again from its bytes, never taken from the state.
    file.digest_json = std::string(digest);
    if (fields["trailing_data"].get_bool().get(file.trailing_data) != simdjson::SUCCESS) {
      return malformed("a digest lacks trailing_data");
    }
  } else {
    Result<std::string> sha256 = string_field(fields, "sha256");
    if (!sha256) return sha256.error();
    file.sha256 = std::move(*sha256);
  }
  return std::pair{std::move(*key), std::move(file)};
}

/// append_json_string, in runs: a state holds many MB of digests, whose every '/' is escaped.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(run, i - run));
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\u{:04x}", c);
    }
    run = i + 1;
  }
  out.append(text.substr(run));
  out += '"';
}

/// splitmix64's finalizer: spreads the bits of a 64-bit value.
std::uint64_t mix(std::uint64_t value) {
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

}  // namespace

std::string chain_name(std::string_view digest_key) {
  const std::optional<DigestKey> name = parse_digest_key(digest_key);
  if (!name) return std::string(digest_key);
  return fmt::format("{}CloudTrail-Digest/{}/{}/{}{}", name->folder.account_path(),
                     name->folder.region, name->trail, name->home_region,
                     name->backfill ? "/backfill" : "");
}

Result<std::string> format_validation_state(const ValidationState& state) {
  // Room for it all at once: a state can be many MB.
  std::size_t size = 256 * (state.heads.size() + 1);
  std::vector<const std::pair<const std::string, KnownFile>*> files;
  files.reserve(state.files.size());
  for (const auto& entry : state.files) {
    files.push_back(&entry);
    size += 2 * entry.first.size() + 160;
    if (entry.second.digest_json) size += entry.second.digest_json->size() * 9 / 8;
  }
  std::sort(files.begin(), files.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string out;
  out.reserve(size);
  auto to_out = std::back_inserter(out);
  fmt::format_to(to_out, "{{\"{}\":{},\n\"bucket\":", kVersionKey, kVersion);
  append_string(out, state.bucket);
  out += ",\n\"chains\":[";
  const char* separator = "\n";
  for (const auto& [chain, head] : state.heads) {
    out += separator;
    separator = ",\n";
    out += "{\"key\":";
    append_string(out, head.key);
    fmt::format_to(to_out, ",\"end\":\"{}\",\"signature\":", format_iso8601(head.end));
    append_string(out, head.signature);
    out += ",\"sha256\":";
    append_string(out, head.sha256);
    out += '}';
  }
  out += "],\n\"files\":[";
  separator = "\n";
  for (const auto* entry : files) {
    const auto& [key, file] = *entry;
    out += separator;
    separator = ",\n";
    out += "{\"key\":";
    append_string(out, key);
    fmt::format_to(to_out, ",\"size\":{},\"gzip\":{}", file.size, file.gzip);
    if (file.digest_json) {
      fmt::format_to(to_out, ",\"trailing_data\":{},\"digest\":", file.trailing_data);
      append_string(out, *file.digest_json);
    } else {
      out += ",\"sha256\":";
      append_string(out, file.sha256);
    }
    out += '}';
  }
  out += "]";
  Result<std::string> checksum = sha256_hex(out);
  if (!checksum) return checksum.error();
  fmt::format_to(to_out, "{}{}\"}}\n", kChecksumKey, *checksum);
  return out;
}

Result<ValidationState> parse_validation_state(std::string_view text) {
  const std::size_t checksum_at = text.rfind(kChecksumKey);
  if (checksum_at == std::string_view::npos)
    return malformed("no checksum (not a state, or cut short)");
  const std::string_view body = text.substr(0, checksum_at);
  std::string_view stated = text.substr(checksum_at + kChecksumKey.size());
  if (!stated.ends_with("\"}\n")) return malformed("it does not end with its checksum");
  stated.remove_suffix(3);
  Result<std::string> actual = sha256_hex(body);
  if (!actual) return actual.error();
  if (stated != *actual) return malformed("its checksum does not match its content");

  simdjson::dom::parser parser;
  element root;
  object fields;
  if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS ||
      root.get_object().get(fields) != simdjson::SUCCESS) {
    return malformed("not a JSON object");
  }
  std::uint64_t version = 0;
  if (fields[kVersionKey].get_uint64().get(version) != simdjson::SUCCESS || version != kVersion) {
    return malformed(fmt::format("not a version {} state of trailsift validate", kVersion));
  }
  ValidationState state;
  Result<std::string> bucket = string_field(fields, "bucket");
  if (!bucket) return bucket.error();
  state.bucket = std::move(*bucket);
  simdjson::dom::array chains;
  simdjson::dom::array files;
  if (fields["chains"].get_array().get(chains) != simdjson::SUCCESS ||
      fields["files"].get_array().get(files) != simdjson::SUCCESS) {
    return malformed("chains or files is missing or not an array");
  }
  for (element value : chains) {
    Result<ChainHead> head = parse_head(value);
    if (!head) return head.error();
    state.heads.emplace(chain_name(head->key), std::move(*head));
  }
  for (element value : files) {
    Result<std::pair<std::string, KnownFile>> file = parse_file(value);
    if (!file) return file.error();
    state.files.insert(std::move(*file));
  }
  return state;
}

bool picked_for_recheck(std::string_view key, double fraction, std::uint64_t seed) {
  if (fraction <= 0) return false;
  if (fraction >= 1) return true;
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a
  for (const char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  const double draw = static_cast<double>(mix(hash ^ mix(seed)) >> 11) * 0x1.0p-53;  // in [0, 1)
  return draw < fraction;
}

}  // namespace trailsift

namespace trailsift::validation_detail {

Status check_known_state(const Run& run) {
  const ValidationState* known = run.spec.known;
  if (!known) return {};
  if (!run.digests.empty() && known->bucket != run.bucket) {
    return make_error("",
                      fmt::format("--state: the state is of bucket {}, this mirror is of bucket {}",
                                  known->bucket, run.bucket));
  }
  for (const auto& [chain, head] : known->heads) {
    const std::optional<DigestKey> name = parse_digest_key(head.key);
    if (run.file_index.contains(head.key) || (name && !selects_chain(run.spec, *name))) continue;
    return make_error("", fmt::format("--state: the chain {} went backwards: {}, its newest digest "
                                      "file when the state was saved, is not in the mirror",
                                      chain, head.key));
  }
  return {};
}

void record_state(Run& run) {
  if (!run.spec.record_state) return;
  const ValidationState* known = run.spec.known;
  ValidationState& state = run.report.state;
  state.bucket = run.digests.empty() && known ? known->bucket : run.bucket;
  if (known) state.heads = known->heads;
  for (const DigestFile& d : run.digests) {
    if (!d.reported || d.status != FindingStatus::kValid || !d.name) continue;
    ChainHead head{d.key, d.name->end, d.signature, d.sha256};
    auto [at, added] = state.heads.try_emplace(chain_name(d.key), head);
    if (!added && at->second.end < head.end) at->second = std::move(head);
  }
  if (!known) return;
  for (const auto& [key, file] : known->files) {
    auto listed = run.file_index.find(key);
    if (listed == run.file_index.end() || run.remembered[listed->second]) continue;
    if (run.files[listed->second].size == file.size) state.files.emplace(key, file);
  }
}

}  // namespace trailsift::validation_detail
