// SPDX-License-Identifier: MIT
// What the event reader's fuzz targets check of every read, whatever API fed it the bytes (whole
// input now; chunks later): every view handed to the visitor can be read, the derived views
// work, records come in order, the report agrees with the visits, and errors name the input.
#pragma once

#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "trailsift/event.hpp"
#include "trailsift/event_diff.hpp"
#include "trailsift/event_format.hpp"
#include "trailsift/event_reader.hpp"

namespace trailsift::fuzz {

/// Inflation stops here: a gzip bomb must end in an error, not in the fuzzer's memory limit.
inline ReadLimits fuzz_read_limits() { return ReadLimits{std::uint64_t{4} << 20}; }

/// Collects what one read gave, as text, so that two reads of the same bytes can be compared.
class ReadChecker {
 public:
  explicit ReadChecker(std::string_view name) : name_(name) {}

  /// The visitor to read with.
  EventVisitor visitor() {
    return [this](const Event& event) { return visit(event); };
  }

  /// Checks the report of the read that used visitor(); returns everything seen, as text.
  const std::string& finish(const ReadReport& report) {
    FUZZ_CHECK(report.events == visits_);
    FUZZ_CHECK(report.bytes <= fuzz_read_limits().max_bytes);
    events_ = seen_;
    if (!report.errors.empty()) last_error_ = report.errors.back().to_string();
    for (const Error& error : report.errors) {
      FUZZ_CHECK(error.path == name_);  // every error names the input
      FUZZ_CHECK(!error.message.empty());
      seen_ += error.to_string();
      seen_ += '\n';
    }
    seen_ += report.not_events;
    return seen_;
  }

  /// What the events alone gave (after finish()).
  const std::string& events() const { return events_; }
  /// The last error of the read, as text; empty when there was none (after finish()).
  const std::string& last_error() const { return last_error_; }

 private:
  Visit visit(const Event& event) {
    ++visits_;
    FUZZ_CHECK(event.record > last_record_);  // 1-based, increasing
    last_record_ = event.record;
    // Copying every view reads every byte it covers: a dangling view is an ASan finding.
    for (std::string_view field : {event.json,
                                   event.event_version,
                                   event.event_time,
                                   event.event_source,
                                   event.event_name,
                                   event.aws_region,
                                   event.source_ip_address,
                                   event.user_agent,
                                   event.error_code,
                                   event.error_message,
                                   event.request_id,
                                   event.event_id,
                                   event.event_type,
                                   event.read_only,
                                   event.management_event,
                                   event.recipient_account_id,
                                   event.event_category,
                                   event.user_identity.type,
                                   event.user_identity.principal_id,
                                   event.user_identity.arn,
                                   event.user_identity.account_id,
                                   event.user_identity.access_key_id,
                                   event.user_identity.user_name,
                                   event.user_identity.invoked_by,
                                   event.resources_json,
                                   event.request_parameters_json,
                                   event.lookup.username,
                                   event.lookup.resources_json,
                                   event.username()}) {
      seen_.append(field);
      seen_ += '\x1f';
    }
    seen_ += std::to_string(event.record) + ':' + std::to_string(event.line) + '\n';
    // What filter, stats and diff derive from a record.
    const Status resources = for_each_resource(
        event,
        [&](std::string_view name, std::string_view type) { seen_.append(name).append(type); });
    seen_ += resources ? "ok" : resources.error().message;
    for (std::string_view path : {"userIdentity.sessionContext.sessionIssuer.userName",
                                  "requestParameters.bucketName", "resources.ARN"}) {
      const Status values =
          for_each_value_at_path(event, path, [&](std::string_view text) { seen_.append(text); });
      seen_ += values ? "ok" : values.error().message;
    }
    append_compact_json(seen_, event.json);
    const Status row = append_console_csv_row(seen_, event);
    seen_ += row ? "ok" : row.error().message;
    if (Result<EventDigest> digest = digester_.digest(event, 0))
      seen_.append(digester_.canonical());
    return Visit::kContinue;
  }

  std::string_view name_;
  std::string seen_;
  std::string events_;
  std::string last_error_;
  std::uint64_t visits_ = 0;
  std::uint64_t last_record_ = 0;
  EventDigester digester_;
};

}  // namespace trailsift::fuzz
