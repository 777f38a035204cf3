// SPDX-License-Identifier: MIT
// TEST-ONLY: signs an existing bucket mirror as CloudTrail would, with a test key: one digest
// an hour for every account and region that has log files, chained, each listing the log
// files delivered in its hour. Writes the digests into the mirror, and the public key and
// every digest's signature beside it, so that `trailsift validate` can run on the generated
// benchmark corpus and on examples/bucket. Deterministic: the same mirror and key give the
// same bytes.
//
//   trailsift-sign-mirror --key KEY.pem --bucket BUCKET [--trail NAME] [--home-region REGION]
//                         --public-keys OUT.json --signatures OUT.json [--jobs N] DIR
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "signer.hpp"
#include "trailsift/event_reader.hpp"
#include "trailsift/parallel.hpp"

namespace fs = std::filesystem;
using namespace trailsift;
using namespace trailsift::signer;

namespace {

constexpr UnixSeconds kHour = 3600;
/// Digests end a few minutes past the hour, as a real trail's do.
constexpr UnixSeconds kPastHour = 244;
/// The test key's validity in the key list: 30 days, as AWS's keys.
constexpr UnixSeconds kKeyValidity = 30 * 86400;

struct Settings {
  fs::path key;
  std::string bucket;
  std::string trail = "acme-org-trail";
  std::string home_region = "us-east-1";
  fs::path public_keys;
  fs::path signatures;
  unsigned jobs = 0;
  std::string dir;
};

/// A log file of the mirror, with what its digest says about it.
struct Log {
  std::string key;
  LogKey name;
  LogEntry entry;
};

/// Hashes every log file (inflated), and finds its oldest and newest eventTime, in parallel.
void describe_logs(const std::string& root, std::vector<Log>& logs, const std::string& bucket,
                   unsigned jobs) {
  std::vector<EventReader> readers(jobs);
  std::vector<ByteBuffer> raw(jobs);
  std::vector<ByteBuffer> inflated(jobs);
  std::vector<std::string> errors(jobs);
  const Status ran = run_in_order(
      logs.size(), jobs, jobs * 4,
      [&](std::size_t item, std::size_t, unsigned worker) {
        Log& log = logs[item];
        const std::string path = root + "/" + log.key;
        if (Status read = read_input(path, {}, raw[worker], inflated[worker]); !read) {
          errors[worker] = read.error().to_string();
          return;
        }
        std::string oldest = "9999";
        std::string newest;
        readers[worker].read_bytes(path, inflated[worker].view(), [&](const Event& event) {
          if (!event.event_time.empty() && event.event_time < oldest)
            oldest = std::string(event.event_time);
          if (event.event_time > newest) newest = std::string(event.event_time);
          return Visit::kContinue;
        });
        if (newest.empty()) oldest = newest = format_iso8601(log.name.delivered);
        log.entry = {bucket, log.key, *sha256_hex(inflated[worker].view()), oldest, newest};
      },
      [](std::size_t, std::size_t) {});
  if (!ran) throw std::runtime_error(ran.error().to_string());
  for (const std::string& error : errors) {
    if (!error.empty()) throw std::runtime_error(error);
  }
}

int run(const Settings& settings) {
  const TestKey key = TestKey::from_pem(read_file(settings.key));
  Result<std::vector<MirrorFile>> files = list_mirror(settings.dir);
  if (!files) throw std::runtime_error(files.error().to_string());
  std::vector<Log> logs;
  for (const MirrorFile& file : *files) {
    if (std::optional<DigestKey> digest = parse_digest_key(file.key)) {
      throw std::runtime_error(settings.dir +
                               " already holds digest files: sign a mirror without them");
    }
    if (std::optional<LogKey> name = parse_log_key(file.key)) logs.push_back({file.key, *name, {}});
  }
  describe_logs(settings.dir, logs, settings.bucket, settings.jobs);

  // Hourly digests per folder (account and region), from the hour of its first log file to
  // the one of its last; a digest lists the log files delivered before its end and after the
  // previous one's. Hours without log files still get their (empty) digest, as CloudTrail's.
  std::map<TrailFolder, std::vector<const Log*>> folders;
  for (const Log& log : logs) folders[log.name.folder].push_back(&log);
  std::vector<SignedDigest> all;
  UnixSeconds first_end = INT64_MAX;
  for (auto& [folder, members] : folders) {
    std::sort(members.begin(), members.end(), [](const Log* a, const Log* b) {
      return std::tie(a->name.delivered, a->key) < std::tie(b->name.delivered, b->key);
    });
    ChainSpec chain{settings.bucket, folder, settings.trail, settings.home_region, false, ""};
    ChainBuilder builder(chain, key);
    UnixSeconds end = members.front()->name.delivered -
                      (members.front()->name.delivered - kPastHour) % kHour + kHour;
    first_end = std::min(first_end, end);
    for (std::size_t next = 0; next < members.size(); end += kHour) {
      std::vector<LogEntry> listed;
      while (next < members.size() && members[next]->name.delivered < end)
        listed.push_back(members[next++]->entry);
      all.push_back(builder.add(end, listed));
      write_file(settings.dir, all.back().key, gzip(all.back().json));
    }
  }
  const UnixSeconds valid_from = first_end - first_end % 86400 - 15 * 86400;
  write_file(settings.public_keys.parent_path(), settings.public_keys.filename().string(),
             public_keys_json(
                 {{key.pkcs1_der(), key.fingerprint(), valid_from, valid_from + kKeyValidity}}));
  write_file(settings.signatures.parent_path(), settings.signatures.filename().string(),
             signatures_json(all));
  std::fprintf(stderr, "trailsift-sign-mirror: %zu digest files for %zu log files in %zu folders\n",
               all.size(), logs.size(), folders.size());
  return 0;
}

constexpr const char* kUsage =
    "usage: trailsift-sign-mirror --key KEY.pem --bucket BUCKET [--trail NAME] [--home-region "
    "REGION]\n"
    "                             --public-keys OUT.json --signatures OUT.json [--jobs N] DIR\n"
    "TEST-ONLY: signs the log files of the mirror DIR with a test key, as CloudTrail's hourly "
    "digests.\n";

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    std::string* value = flag == "--bucket"        ? &settings.bucket
                         : flag == "--trail"       ? &settings.trail
                         : flag == "--home-region" ? &settings.home_region
                                                   : nullptr;
    if (i + 1 < argc && (value || flag == "--key" || flag == "--public-keys" ||
                         flag == "--signatures" || flag == "--jobs")) {
      const std::string argument = argv[++i];
      if (value) *value = argument;
      if (flag == "--key") settings.key = argument;
      if (flag == "--public-keys") settings.public_keys = argument;
      if (flag == "--signatures") settings.signatures = argument;
      if (flag == "--jobs") settings.jobs = static_cast<unsigned>(std::stoul(argument));
    } else if (settings.dir.empty() && !flag.starts_with("-")) {
      settings.dir = flag;
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (settings.key.empty() || settings.bucket.empty() || settings.public_keys.empty() ||
      settings.signatures.empty() || settings.dir.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (settings.jobs == 0) settings.jobs = default_thread_count();
  try {
    return run(settings);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "trailsift-sign-mirror: %s\n", error.what());
    return 1;
  }
}
