// SPDX-License-Identifier: MIT
// trailsift-generate-mirror: writes a deterministic, realistic mirror of a CloudTrail S3 bucket.
//
// The output imitates `aws s3 sync s3://trail-bucket DIR`:
//   DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
//       <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<16 alnum>.json.gz
// Each file is one compact {"Records":[...]} document. Records follow real CloudTrail key order
// and shapes (see shared/research/format-and-data.md and the real samples in shared/realdata/).
//
// Every output byte is a function of the command line only: the generator has its own PRNG,
// never reads the clock, uses only integer arithmetic for anything that reaches the output, and
// gives every (account, region, 5-minute slot) its own random stream, so files can be produced
// in parallel and in any order with identical results. See bench/README.md.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bursts.hpp"
#include "mirror.hpp"
#include "organization.hpp"
#include "story.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

constexpr std::string_view kDefaultStart = "2024-03-01T00:00:00Z";

/// The command line as parsed, before finish_settings works out the rest.
struct Command {
  Settings settings;
  std::string start = std::string(kDefaultStart);
  std::string scenario = "default";
  std::uint64_t size_mb = 100;
  std::string rate_percent = "100";
  std::vector<std::string> bursts;
};

void add_options(CLI::App& app, Command& command) {
  Settings& s = command.settings;
  app.add_option("--out", s.out, "Output directory; DIR/AWSLogs must not exist yet")
      ->required()
      ->type_name("DIR");
  app.add_option("--size-mb", command.size_mb,
                 "Stop once N MB (10^6 bytes) of uncompressed JSON are written (default 100)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{10'000'000}))
      ->type_name("N");
  app.add_option("--hours", s.hours, "Stop after N hours of log time instead of a size target")
      ->check(CLI::Range(1U, 24U * 366U))
      ->type_name("N");
  app.add_option("--seed", s.seed,
                 "Random seed (default 1); the same arguments give the same bytes")
      ->type_name("S");
  app.add_option("--accounts", s.accounts, "Number of AWS accounts, 1-64 (default 4)")
      ->check(CLI::Range(1U, 64U))
      ->type_name("N");
  app.add_option("--regions", s.regions, "Number of regions, 1-16 (default 6)")
      ->check(CLI::Range(1U, static_cast<unsigned>(kRegions.size())))
      ->type_name("N");
  app.add_option("--start", command.start,
                 "First 5-minute window, e.g. 2024-03-01T00:00:00Z (the default) or a date")
      ->type_name("TIME");
  app.add_flag("--plain", s.plain, "Write .json files instead of .json.gz");
  app.add_option("--summary", s.summary,
                 "Write counts (files, records, bytes, event_names...) as JSON to FILE")
      ->type_name("FILE");
  app.add_option("--jobs", s.jobs,
                 "Worker threads (default: all cores); does not change the output")
      ->check(CLI::Range(1U, 256U))
      ->type_name("N");
  app.add_option("--rate-percent", command.rate_percent,
                 "Scale the event rate to P% of the default, up to 3 decimals (default 100): "
                 "0.5 makes a multi-day corpus of a manageable size")
      ->type_name("P");
  app.add_option("--identities", s.identities,
                 "Add N users and role sessions, each with its own name, IDs and access keys, "
                 "as large organizations have (default 0)")
      ->check(CLI::Range(0U, 1'000'000U))
      ->type_name("N");
  app.add_option("--burst", command.bursts,
                 "Inject a burst: event=NAME,start=TIME,minutes=M,factor=N (or per-minute=R), "
                 "optionally error=CODE (an error storm), account=K (1-based), region=NAME; "
                 "repeatable. See bench/README.md")
      ->type_name("SPEC")
      ->allow_extra_args(false);
  app.add_option("--scenario", command.scenario,
                 "default, or example: the small story mirror of examples/bucket (2 accounts, 3 "
                 "regions, 2 hours from 2024-03-01T09:00:00Z; ignores --size-mb, --hours, "
                 "--accounts, --regions, --start, --rate-percent and --identities)")
      ->check(CLI::IsMember({"default", "example"}))
      ->type_name("NAME");
}

/// Resolves what the options leave to be worked out; an error message if they do not agree.
std::string finish_settings(Command& command) {
  Settings& s = command.settings;
  s.size_bytes = command.size_mb * 1'000'000;
  const Result<UnixSeconds> start = parse_time_argument(command.start, RangeEnd::kStart);
  if (!start) return "--start: " + start.error().message;
  s.start = *start - ((*start % kSlotSeconds) + kSlotSeconds) % kSlotSeconds;
  if (s.jobs == 0) s.jobs = std::max(1U, std::thread::hardware_concurrency());
  const std::optional<std::uint64_t> rate = parse_thousandths(command.rate_percent);
  if (!rate || *rate == 0 || *rate > 1'000'000) {
    return "--rate-percent: expected a number from 0.001 to 1000 with at most 3 decimals, got '" +
           command.rate_percent + "'";
  }
  s.rate_percent_milli = *rate;
  // Calibrated so that the default settings give ~1 KB records in files of ~1 MB on average.
  s.base_rate_milli = 12'000'000 * s.rate_percent_milli / 100'000;
  s.example = command.scenario == "example";
  if (s.example) {
    s.accounts = 2;
    s.regions = 3;
    s.start = *parse_iso8601(kExampleStart);
    s.hours = 2;
    s.base_rate_milli = 6'000;  // a few hundred background records in total
    s.rate_percent_milli = 100'000;
    s.identities = 0;
  }
  for (const std::string& spec : command.bursts) {
    Result<Burst> burst = parse_burst(spec, s.accounts, s.regions);
    if (!burst) return burst.error().message;
    s.bursts.push_back(*burst);
  }
  return {};
}

int run(const Settings& settings) {
  const std::filesystem::path logs = settings.out / "AWSLogs";
  if (std::filesystem::exists(logs)) {
    fmt::print(stderr, "trailsift-generate-mirror: {} already exists; remove it first\n",
               logs.string());
    return 1;
  }
  const std::span<const FixedAccount> fixed = settings.example
                                                  ? std::span<const FixedAccount>(kExampleAccounts)
                                                  : std::span<const FixedAccount>();
  World world = build_world(settings.seed, settings.accounts, settings.regions, fixed,
                            settings.example, settings.identities);
  std::vector<StoryItem> story;
  if (settings.example) {
    // A small company: nearly everything happens in prod's us-east-1, so quiet windows
    // elsewhere deliver no file at all (as CloudTrail does) and the bundled mirror stays small.
    world.accounts[1].weight = 400;
    world.regions[1].weight = 150;
    world.regions[2].weight = 100;
    story = build_story(world, settings.start);
  }
  const std::optional<MirrorTotals> totals = write_mirror(settings, world, std::move(story));
  if (!totals) return 1;
  if (settings.summary) write_summary(*settings.summary, settings, world, *totals);
  const Stats& stats = totals->stats;
  fmt::print(
      stderr,
      "trailsift-generate-mirror: {} files, {} records, {:.1f} MB JSON, {:.1f} MB on disk, "
      "{} to {}\n",
      stats.files, stats.records, static_cast<double>(stats.raw_bytes) / 1e6,
      static_cast<double>(stats.stored_bytes) / 1e6, format_iso8601(settings.start),
      format_iso8601(settings.start + static_cast<std::int64_t>(totals->slots) * kSlotSeconds));
  return 0;
}

}  // namespace
}  // namespace trailsift::generator

int main(int argc, char** argv) {
  using namespace trailsift::generator;
  CLI::App app(
      "Writes a deterministic, synthetic CloudTrail S3 bucket mirror:\n"
      "  DIR/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/"
      "<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<id>.json.gz\n"
      "See bench/README.md.",
      "trailsift-generate-mirror");
  Command command;
  add_options(app, command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);
    fmt::print(stderr, "trailsift-generate-mirror: {}\nRun 'trailsift-generate-mirror --help'.\n",
               error.what());
    return 2;
  }
  try {
    if (const std::string problem = finish_settings(command); !problem.empty()) {
      fmt::print(stderr, "trailsift-generate-mirror: {}\n", problem);
      return 2;
    }
    return run(command.settings);
  } catch (const std::exception& e) {
    fmt::print(stderr, "trailsift-generate-mirror: {}\n", e.what());
    return 1;
  }
}
