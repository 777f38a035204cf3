// SPDX-License-Identifier: MIT
#include "scan.hpp"

#include <charconv>

#include <fmt/format.h>

#include "trailsift/parallel.hpp"

namespace trailsift::cli {

void add_input_options(CLI::App& command, InputOptions& options) {
  command.add_option("inputs", options.paths,
                     "Files or directories (walked recursively) of CloudTrail events; '-' or "
                     "nothing reads standard input")
      ->type_name("PATH");
  add_reading_options(command, options);
}

void add_reading_options(CLI::App& command, InputOptions& options) {
  command
      .add_option("--threads", options.threads,
                  fmt::format("Worker threads (default: all cores; at most {})", kMaxThreads))
      ->type_name("N");
  command.add_option("--max-size", options.max_size,
                     "Refuse an input larger than this once inflated (default 2G)")
      ->type_name("SIZE");
  command.add_flag("-q,--quiet", options.quiet, "No progress line and no notes on skipped files");
}

void add_selection_options(CLI::App& command, FilterSpec& spec) {
  auto repeatable = [&](const std::string& names, std::vector<std::string>& values,
                        const std::string& help, const std::string& type = "VALUE") {
    command.add_option(names, values, help)->type_name(type)->allow_extra_args(false)->group(
        "Selection (values of one option are ORed, options are ANDed)");
  };
  repeatable("--event-id", spec.event_ids, "eventID");
  repeatable("--event-name", spec.event_names, "eventName, e.g. ConsoleLogin or 'Delete*'");
  repeatable("--event-source", spec.event_sources, "eventSource, e.g. iam.amazonaws.com");
  repeatable("--username", spec.usernames,
             "The console's User name: root, the role session, or userIdentity.userName");
  repeatable("--resource-name", spec.resource_names,
             "A resource ARN or name (see trailsift-filter(1) for what is matched)");
  repeatable("--resource-type", spec.resource_types, "A resource type, e.g. AWS::S3::Bucket");
  repeatable("--read-only", spec.read_only, "readOnly: true or false", "true|false");
  repeatable("--access-key-id", spec.access_key_ids, "userIdentity.accessKeyId");
  repeatable("--lookup-attributes", spec.lookup_attributes,
             "The AWS CLI form: AttributeKey=EventName,AttributeValue=ConsoleLogin", "KEY=VALUE");
  const std::string group = "Selection (values of one option are ORed, options are ANDed)";
  command.add_option("--start-time,--since", spec.start_time,
                     "Events at or after this time: 2024-03-01T12:00:00Z, an offset, a date or "
                     "epoch seconds")
      ->type_name("TIME")
      ->group(group);
  command.add_option("--end-time,--until", spec.end_time,
                     "Events at or before this time (a date means the whole day)")
      ->type_name("TIME")
      ->group(group);
  repeatable("--region", spec.regions, "awsRegion");
  repeatable("--account", spec.accounts, "recipientAccountId or userIdentity.accountId");
  repeatable("--source-ip", spec.source_ips, "sourceIPAddress: an address, a CIDR block or a name",
             "ADDR|CIDR");
  repeatable("--error-code", spec.error_codes, "errorCode, e.g. AccessDenied");
  command.add_flag("--errors", spec.errors_only, "Only events with an errorCode")->group(group);
  repeatable("--event-type", spec.event_types, "eventType, e.g. AwsConsoleSignIn");
  repeatable("--user-agent", spec.user_agents, "userAgent, e.g. '*aws-cli*'", "GLOB");
  repeatable("--match", spec.field_matches,
             "Any field by dotted path, e.g. additionalEventData.MFAUsed=No", "PATH=VALUE");
  command.add_flag("-i,--ignore-case", spec.ignore_case,
                   "Compare values without regard to ASCII case (default: exact, as the console)")
      ->group(group);
}

Result<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.size() > 1 && (unit.back() == 'B' || unit.back() == 'b')) unit.remove_suffix(1);
  int shift = -1;
  if (unit.empty()) shift = 0;
  if (unit == "K" || unit == "k") shift = 10;
  if (unit == "M" || unit == "m") shift = 20;
  if (unit == "G" || unit == "g") shift = 30;
  if (unit == "T" || unit == "t") shift = 40;
  if (error != std::errc() || end == text.data() || shift < 0 || number == 0 ||
      number > (UINT64_MAX >> shift)) {
    return make_error("", fmt::format("invalid size '{}': expected a number of bytes with an "
                                      "optional K, M, G or T suffix, e.g. 512M",
                                      text));
  }
  return number << shift;
}

Result<Scan> Scan::prepare(const InputOptions& options, Reporter& reporter) {
  Scan scan;
  Result<std::uint64_t> max_size = parse_size(options.max_size);
  if (!max_size) return make_error("", "--max-size: " + max_size.error().message);
  scan.limits_.max_bytes = *max_size;
  scan.threads_ = resolve_thread_count(options.threads);
  scan.slot_count_ = std::size_t{4} * scan.threads_;
  scan.quiet_ = options.quiet;
  scan.reporter_ = &reporter;
  scan.inputs_ = expand_inputs(options.paths);
  for (const Error& error : scan.inputs_.errors) reporter.error(error);
  scan.failed_inputs_ = scan.inputs_.errors.size();
  return scan;
}

Status Scan::run(const ScanWorkFn& work, const ScanDeliverFn& deliver) {
  std::vector<EventReader> readers;
  for (unsigned i = 0; i < threads_; ++i) readers.emplace_back(limits_);
  std::vector<ReadReport> reports(slot_count_);
  const std::size_t total = inputs_.files.size();
  std::uint64_t bytes_done = 0;
  const Status ran = run_in_order(
      total, threads_, slot_count_,
      [&](std::size_t item, std::size_t slot, unsigned worker) {
        reports[slot] = work(readers[worker], inputs_.files[item], slot);
      },
      [&](std::size_t item, std::size_t slot) {
        const InputFile& input = inputs_.files[item];
        ReadReport& report = reports[slot];
        for (const Error& error : report.errors) reporter_->error(error);
        if (!report.ok() || (input.named && !report.not_events.empty())) ++failed_inputs_;
        if (!report.not_events.empty()) {
          if (input.named) {
            reporter_->error(make_error(input.path, "holds no CloudTrail events: it is " + report.not_events));
          } else if (!quiet_) {
            reporter_->note(fmt::format("{}: skipped: {}", input.path, report.not_events));
          }
        }
        deliver(input, slot);
        bytes_done += input.size;
        reporter_->progress(item + 1, total, bytes_done);
      });
  if (!ran) reporter_->error(ran.error());
  return ran;
}

}  // namespace trailsift::cli
