// SPDX-License-Identifier: MIT
#include "mirror.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <zlib.h>

#include "background.hpp"
#include "bursts.hpp"
#include "json_writer.hpp"
#include "record.hpp"
#include "services.hpp"
#include "trailsift/time.hpp"

namespace trailsift::generator {
namespace {

namespace fs = std::filesystem;

// CloudTrail splits a busy region's 5-minute window into several files.
constexpr std::uint32_t kMaxRecordsPerFile = 2500;

struct SlotJob {
  std::uint32_t account, region;
  std::uint32_t background;             // number of generated records
  std::vector<const StoryItem*> story;  // story records that fall into this file window
  std::vector<std::size_t> bursts;      // bursts (indexes into Settings::bursts) it overlaps
  fs::path directory;
  Stats stats;
  std::string error;
};

bool gzip_compress(const std::string& in, std::vector<unsigned char>& out) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  // Pin the gzip header (mtime 0, OS "Unix") so output does not depend on the build platform.
  gz_header header{};
  header.os = 3;
  deflateSetHeader(&zs, &header);
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END;
}

bool write_file(const fs::path& path, const void* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(data, 1, size, f) == size;
  return std::fclose(f) == 0 && ok;
}

fs::path slot_directory(const Settings& s, const Account& acct, std::string_view region,
                        std::int64_t delivery) {
  const CivilTime t = civil_time(delivery);
  return s.out / "AWSLogs" / acct.id / "CloudTrail" / std::string(region) /
         fmt::format("{:04}", t.year) / fmt::format("{:02}", t.month) / fmt::format("{:02}", t.day);
}

class Generator {
 public:
  Generator(const Settings& settings, const World& world, std::vector<StoryItem> story)
      : settings_(settings),
        world_(world),
        tables_(build_tables(world.story_mode)),
        story_(std::move(story)) {
    for (std::size_t i = 0; i < settings.bursts.size(); ++i) {
      burst_actors_.push_back(burst_actor(world, settings.bursts[i], i));
    }
  }

  // Generates all files of one 5-minute slot; returns false on an I/O error.
  bool run_slot(std::uint64_t slot, Stats& total) {
    const std::int64_t slot_start =
        settings_.start + static_cast<std::int64_t>(slot) * kSlotSeconds;
    const std::int64_t delivery = slot_start + kSlotSeconds;
    std::vector<SlotJob> jobs;
    for (std::uint32_t a = 0; a < world_.accounts.size(); ++a) {
      for (std::uint32_t r = 0; r < world_.regions.size(); ++r) {
        SlotJob job{a, r, record_count(a, r, slot, slot_start), {}, {}, {}, {}, {}};
        job.stats.burst_calls.assign(settings_.bursts.size(), 0);
        job.stats.burst_usual_milli.assign(settings_.bursts.size(), 0);
        for (const StoryItem& item : story_) {
          if (item.account == a && item.region == r && item.time >= slot_start &&
              item.time < delivery) {
            job.story.push_back(&item);
          }
        }
        for (std::size_t i = 0; i < settings_.bursts.size(); ++i) {
          const Burst& burst = settings_.bursts[i];
          if (burst.account == a && burst.region == r && burst.start < delivery &&
              burst.end() > slot_start) {
            job.bursts.push_back(i);
          }
        }
        if (job.background == 0 && job.story.empty() && job.bursts.empty()) {
          continue;  // CloudTrail skips empty windows
        }
        job.directory =
            slot_directory(settings_, world_.accounts[a], world_.regions[r].name, delivery);
        std::error_code ec;
        fs::create_directories(job.directory, ec);
        if (ec) {
          fmt::print(stderr, "trailsift-generate-mirror: cannot create {}: {}\n",
                     job.directory.string(), ec.message());
          return false;
        }
        jobs.push_back(std::move(job));
      }
    }
    // Largest first, so the busiest account-region does not start last (output order is fixed
    // by file names, not by scheduling).
    std::vector<std::size_t> order(jobs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return jobs[x].background > jobs[y].background;
    });
    std::atomic<std::size_t> next{0};
    const auto worker = [&] {
      Buffers buffers;
      for (std::size_t i = next++; i < order.size(); i = next++) {
        run_job(jobs[order[i]], slot, slot_start, delivery, buffers);
      }
    };
    const std::size_t thread_count = std::min<std::size_t>(settings_.jobs, jobs.size());
    std::vector<std::thread> threads;
    for (std::size_t t = 1; t < thread_count; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    for (const SlotJob& job : jobs) {
      if (!job.error.empty()) {
        fmt::print(stderr, "trailsift-generate-mirror: {}\n", job.error);
        return false;
      }
      total.add(job.stats);
    }
    return true;
  }

 private:
  struct Buffers {
    std::string json;
    std::vector<unsigned char> gz;
    Record record;
    std::vector<StoryItem> injected;      // this window's burst calls
    std::vector<const StoryItem*> extra;  // story and burst records, in time order
  };

  // Records expected in a window of the account and region (x1000), before the random
  // variation of record_count: the activity of the account, region, hour and day of the week.
  std::uint64_t usual_milli(std::uint32_t account, std::uint32_t region,
                            std::int64_t slot_start) const {
    const CivilTime t = civil_time(slot_start);
    const std::int64_t day = slot_start >= 0 ? slot_start / 86400 : (slot_start - 86399) / 86400;
    const std::int64_t weekday = ((day + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
    std::uint64_t milli = settings_.base_rate_milli;
    milli = milli * world_.accounts[account].weight / 1000;
    milli = milli * world_.regions[region].weight / 1000;
    milli = milli * kHourFactor[t.hour] / 100;
    return milli * (weekday == 0 || weekday == 6 ? 55 : 100) / 100;
  }

  std::uint32_t record_count(std::uint32_t account, std::uint32_t region, std::uint64_t slot,
                             std::int64_t slot_start) const {
    Rng rng(mix_seed({world_.seed, account, region, slot, 0x636f756e74}));  // "count"
    std::uint64_t milli = usual_milli(account, region, slot_start);
    milli = milli * rng.between(800, 1200) / 1000;
    return static_cast<std::uint32_t>(milli / 1000 + (rng.below(1000) < milli % 1000 ? 1 : 0));
  }

  // Makes the burst calls of `job`'s window, each burst from its own random stream, into
  // b.injected, and counts them and the calls the API usually gets in the same time.
  void inject_bursts(SlotJob& job, std::uint64_t slot, std::int64_t slot_start,
                     std::int64_t delivery, Buffers& b) const {
    const Account& acct = world_.accounts[job.account];
    b.injected.clear();
    for (const std::size_t index : job.bursts) {
      const Burst& burst = settings_.bursts[index];
      Rng rng(mix_seed({world_.seed, job.account, job.region, slot, 0x6275727374, index}));
      const Ctx ctx{world_, acct, job.account, job.region, world_.regions[job.region].name, rng};
      const std::int64_t from = std::max(slot_start, burst.start);
      const auto seconds = static_cast<std::uint64_t>(std::min(delivery, burst.end()) - from);
      const std::uint64_t usual_per_slot =
          usual_milli(job.account, job.region, slot_start) *
          usual_share_ppb(tables_, burst.ev, job.region == 0, acct.management) / 1'000'000'000;
      const std::uint64_t usual = usual_per_slot * seconds / kSlotSeconds;
      const std::uint64_t extra =
          burst.factor > 0 ? usual * (burst.factor - 1) : burst.per_minute_milli * seconds / 60;
      const std::uint64_t calls = extra / 1000 + (rng.below(1000) < extra % 1000 ? 1 : 0);
      job.stats.burst_usual_milli[index] += usual;
      job.stats.burst_calls[index] += calls;
      std::vector<std::int64_t> times;
      for (std::uint64_t i = 0; i < calls; ++i) {
        times.push_back(from + rng.below(static_cast<std::uint32_t>(seconds)));
      }
      std::sort(times.begin(), times.end());
      for (const std::int64_t time : times) {
        Record& r = b.record;
        r.reset();
        r.time = time;
        r.account = &acct;
        r.region = ctx.region;
        fill_burst_call(ctx, r, burst, burst_actors_[index]);
        StoryItem item{time, job.account, job.region, r.ev, r.error, r.actor.type, {}};
        write_record(item.json, r, rng);
        b.injected.push_back(std::move(item));
      }
    }
    b.extra = job.story;
    for (const StoryItem& item : b.injected) b.extra.push_back(&item);
    std::stable_sort(b.extra.begin(), b.extra.end(),
                     [](const StoryItem* x, const StoryItem* y) { return x->time < y->time; });
  }

  void run_job(SlotJob& job, std::uint64_t slot, std::int64_t slot_start, std::int64_t delivery,
               Buffers& b) const {
    const Account& acct = world_.accounts[job.account];
    const std::string_view region = world_.regions[job.region].name;
    Rng rng(mix_seed({world_.seed, job.account, job.region, slot}));
    Rng name_rng(mix_seed({world_.seed, job.account, job.region, slot, 0x6e616d65}));  // "name"
    const Ctx ctx{world_, acct, job.account, job.region, region, rng};
    inject_bursts(job, slot, slot_start, delivery, b);
    const std::vector<const StoryItem*>& extra = b.extra;

    const std::uint32_t n = job.background;
    const auto total = static_cast<std::uint32_t>(n + extra.size());
    const std::uint32_t files = (total + kMaxRecordsPerFile - 1) / kMaxRecordsPerFile;
    const std::uint32_t per_file = (total + files - 1) / files;

    std::size_t next_story = 0;
    std::uint32_t in_file = 0;
    b.json.clear();
    const auto open_file = [&] {
      b.json.clear();
      b.json += "{\"Records\":[";
      in_file = 0;
    };
    const auto close_file = [&]() -> bool {
      b.json += "]}";
      std::string name = fmt::format("{}_CloudTrail_{}_", acct.id, region);
      const CivilTime t = civil_time(delivery);
      fmt::format_to(std::back_inserter(name), "{:04}{:02}{:02}T{:02}{:02}Z_", t.year, t.month,
                     t.day, t.hour, t.minute);
      append_random(name, name_rng, kAlnum, 16);
      name += settings_.plain ? ".json" : ".json.gz";
      const fs::path path = job.directory / name;
      std::size_t stored = b.json.size();
      bool ok;
      if (settings_.plain) {
        ok = write_file(path, b.json.data(), b.json.size());
      } else {
        ok = gzip_compress(b.json, b.gz) && write_file(path, b.gz.data(), b.gz.size());
        stored = b.gz.size();
      }
      if (!ok) {
        job.error = fmt::format("cannot write {}", path.string());
        return false;
      }
      ++job.stats.files;
      job.stats.raw_bytes += b.json.size();
      job.stats.stored_bytes += stored;
      return true;
    };
    const auto separate = [&] {
      if (in_file > 0) b.json += ',';
      ++in_file;
    };
    const auto emit_story = [&](const StoryItem& item) {
      separate();
      b.json += item.json;
      job.stats.count(item.ev, item.error, item.type);
    };

    open_file();
    for (std::uint32_t i = 0; i < n; ++i) {
      // Roughly time-ordered, as real files are, with a few late arrivals from earlier windows.
      std::int64_t time = slot_start +
                          static_cast<std::int64_t>(std::uint64_t{i} * kSlotSeconds / n) +
                          static_cast<std::int64_t>(rng.below(5)) - 2;
      if (rng.per_mille(20)) time -= rng.between(30, 600);
      time = std::min(time, delivery - 1);
      while (next_story < extra.size() && extra[next_story]->time <= time) {
        emit_story(*extra[next_story++]);
        if (in_file >= per_file && !close_file()) return;
        if (in_file >= per_file) open_file();
      }
      Record& r = b.record;
      r.reset();
      r.time = time;
      r.account = &acct;
      r.region = region;
      generate_background(ctx, tables_, r);
      separate();
      write_record(b.json, r, rng);
      job.stats.count(r.ev, r.error, r.actor.type);
      if (in_file >= per_file && (i + 1 < n || next_story < extra.size())) {
        if (!close_file()) return;
        open_file();
      }
    }
    while (next_story < extra.size()) emit_story(*extra[next_story++]);
    if (in_file > 0) close_file();
  }

  const Settings& settings_;
  const World& world_;
  EventTables tables_;
  std::vector<StoryItem> story_;
  std::vector<BurstActor> burst_actors_;
};

}  // namespace

void Stats::add(const Stats& o) {
  files += o.files;
  records += o.records;
  raw_bytes += o.raw_bytes;
  stored_bytes += o.stored_bytes;
  for (std::size_t i = 0; i < events.size(); ++i) events[i] += o.events[i];
  for (std::size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
  for (std::size_t i = 0; i < identities.size(); ++i) identities[i] += o.identities[i];
  burst_calls.resize(std::max(burst_calls.size(), o.burst_calls.size()));
  burst_usual_milli.resize(burst_calls.size());
  for (std::size_t i = 0; i < o.burst_calls.size(); ++i) {
    burst_calls[i] += o.burst_calls[i];
    burst_usual_milli[i] += o.burst_usual_milli[i];
  }
}

void Stats::count(Ev ev, Err error, IdentityType type) {
  ++records;
  ++events[static_cast<std::size_t>(ev)];
  ++errors[static_cast<std::size_t>(error)];
  ++identities[static_cast<std::size_t>(type)];
}

std::optional<MirrorTotals> write_mirror(const Settings& settings, const World& world,
                                         std::vector<StoryItem> story) {
  Generator generator(settings, world, std::move(story));
  MirrorTotals totals;
  totals.stats.burst_calls.assign(settings.bursts.size(), 0);
  totals.stats.burst_usual_milli.assign(settings.bursts.size(), 0);
  const std::uint64_t max_slots =
      settings.hours > 0 ? std::uint64_t{settings.hours} * 12 : 12ULL * 24 * 366 * 10;
  while (totals.slots < max_slots &&
         (settings.hours > 0 || totals.stats.raw_bytes < settings.size_bytes)) {
    if (!generator.run_slot(totals.slots, totals.stats)) return std::nullopt;
    ++totals.slots;
  }
  return totals;
}

void write_summary(const std::filesystem::path& path, const Settings& s, const World& world,
                   const MirrorTotals& totals) {
  const Stats& stats = totals.stats;
  const std::uint64_t slots = totals.slots;
  std::string out;
  JsonWriter j(out);
  j.begin_object();
  j.num("files", static_cast<std::int64_t>(stats.files))
      .num("records", static_cast<std::int64_t>(stats.records));
  j.num("uncompressed_bytes", static_cast<std::int64_t>(stats.raw_bytes));
  j.num("compressed_bytes", static_cast<std::int64_t>(stats.stored_bytes));
  j.num("seed", static_cast<std::int64_t>(s.seed))
      .str("scenario", s.example ? "example" : "default");
  j.boolean("gzip", !s.plain);
  j.time("start", s.start).time("end", s.start + static_cast<std::int64_t>(slots) * kSlotSeconds);
  j.num("slots", static_cast<std::int64_t>(slots));
  // Only when given, so that summaries of plain corpora stay as they were.
  if (s.rate_percent_milli != 100'000) {
    j.raw("rate_percent", format_thousandths(s.rate_percent_milli));
  }
  if (s.identities > 0) j.num("identities", s.identities);
  j.begin_array("accounts");
  for (const Account& a : world.accounts) j.string(a.id);
  j.end_array().begin_array("regions");
  for (const RegionInfo& r : world.regions) j.string(r.name);
  j.end_array();

  // Several event ids share a name (none today, but keep the merge), so aggregate by name.
  std::vector<std::pair<std::string_view, std::uint64_t>> names;
  for (std::size_t i = 0; i < kEventCount; ++i) {
    if (stats.events[i] > 0) names.emplace_back(kEvents[i].name, stats.events[i]);
  }
  std::sort(names.begin(), names.end());
  j.begin_object("event_names");
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::uint64_t count = names[i].second;
    while (i + 1 < names.size() && names[i + 1].first == names[i].first) count += names[++i].second;
    j.num(names[i].first, static_cast<std::int64_t>(count));
  }
  j.end_object();

  std::vector<std::pair<std::string_view, std::uint64_t>> errors;
  for (std::size_t i = 1; i < kErrorCodes.size(); ++i) {
    if (stats.errors[i] > 0) errors.emplace_back(kErrorCodes[i], stats.errors[i]);
  }
  std::sort(errors.begin(), errors.end());
  j.begin_object("error_codes");
  for (const auto& [code, count] : errors) j.num(code, static_cast<std::int64_t>(count));
  j.end_object();

  std::vector<std::pair<std::string_view, std::uint64_t>> identities;
  for (std::size_t i = 0; i < kIdentityNames.size(); ++i) {
    if (stats.identities[i] > 0) identities.emplace_back(kIdentityNames[i], stats.identities[i]);
  }
  std::sort(identities.begin(), identities.end());
  j.begin_object("identity_types");
  for (const auto& [type, count] : identities) j.num(type, static_cast<std::int64_t>(count));
  j.end_object();

  if (!s.bursts.empty()) {
    j.begin_array("bursts");
    for (std::size_t i = 0; i < s.bursts.size(); ++i) {
      const Burst& burst = s.bursts[i];
      const EventSpec& spec = spec_of(burst.ev);
      j.begin_object().str("kind", burst.error ? "error" : "rate");
      j.str("event_source", spec.source).str("event_name", spec.name);
      j.boolean("read_only", (spec.flags & kReadOnly) != 0);
      j.boolean("management", (spec.flags & kData) == 0);
      if (burst.error) j.str("error_code", kErrorCodes[static_cast<std::size_t>(*burst.error)]);
      j.str("account", world.accounts[burst.account].id);
      j.str("region", world.regions[burst.region].name);
      j.time("start", burst.start).time("end", burst.end()).num("minutes", burst.minutes);
      if (burst.factor > 0) {
        j.num("factor", burst.factor);
      } else {
        j.raw("per_minute", format_thousandths(burst.per_minute_milli));
      }
      j.num("calls", static_cast<std::int64_t>(stats.burst_calls[i]));
      j.raw("usual_calls", format_thousandths(stats.burst_usual_milli[i]));
      j.str("principal", burst_actor(world, burst, i).principal->arn);
      j.end_object();
    }
    j.end_array();
  }
  j.end_object();
  out += '\n';
  if (!write_file(path, out.data(), out.size())) {
    throw std::runtime_error(fmt::format("cannot write {}", path.string()));
  }
}

}  // namespace trailsift::generator
