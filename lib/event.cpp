// SPDX-License-Identifier: MIT
// Derived views of a record: the console's user name and resources, and dotted-path values.
// The last two parse parts of the record again (simdjson DOM, one parser per thread); they
// run only for the filters that need them.
#include "trailsift/event.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <simdjson.h>

#include "trailsift/ascii.hpp"

namespace trailsift {
namespace {

namespace dom = simdjson::dom;

dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

// dom::array and dom::object are cheap views; taking them by value keeps range-for loops off
// the temporaries that simdjson_result would otherwise leave dangling.
dom::array array_of(dom::element element) {
  dom::array array;
  if (element.get_array().get(array)) return {};
  return array;
}

dom::object object_of(dom::element element) {
  dom::object object;
  if (element.get_object().get(object)) return {};
  return object;
}

/// requestParameters keys whose values name a resource.
bool is_identifier_key(std::string_view key) {
  for (std::string_view suffix : {"name", "id", "ids", "arn", "arns", "identifier"}) {
    if (ascii_ends_with_ignoring_case(key, suffix)) return true;
  }
  return false;
}

/// The CloudFormation-style type a requestParameters key implies, where it is unambiguous.
std::string_view type_for_key(std::string_view key) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 25> kTypes{{
      {"bucketName", "AWS::S3::Bucket"},
      {"instanceId", "AWS::EC2::Instance"},
      {"instanceIds", "AWS::EC2::Instance"},
      {"groupId", "AWS::EC2::SecurityGroup"},
      {"vpcId", "AWS::EC2::VPC"},
      {"subnetId", "AWS::EC2::Subnet"},
      {"volumeId", "AWS::EC2::Volume"},
      {"snapshotId", "AWS::EC2::Snapshot"},
      {"imageId", "AWS::EC2::Ami"},
      {"keyName", "AWS::EC2::KeyPair"},
      {"networkInterfaceId", "AWS::EC2::NetworkInterface"},
      {"userName", "AWS::IAM::User"},
      {"roleName", "AWS::IAM::Role"},
      {"policyArn", "AWS::IAM::Policy"},
      {"instanceProfileName", "AWS::IAM::InstanceProfile"},
      {"accessKeyId", "AWS::IAM::AccessKey"},
      {"functionName", "AWS::Lambda::Function"},
      {"tableName", "AWS::DynamoDB::Table"},
      {"keyId", "AWS::KMS::Key"},
      {"secretId", "AWS::SecretsManager::Secret"},
      {"dBInstanceIdentifier", "AWS::RDS::DBInstance"},
      {"dBSnapshotIdentifier", "AWS::RDS::DBSnapshot"},
      {"topicArn", "AWS::SNS::Topic"},
      {"logGroupName", "AWS::Logs::LogGroup"},
      {"stackName", "AWS::CloudFormation::Stack"},
  }};
  for (const auto& [name, type] : kTypes) {
    if (key == name) return type;
  }
  return {};
}

using ResourceVisitor = std::function<void(std::string_view, std::string_view)>;

// Depth limit: identifiers sit near the top, and hostile input must not recurse without end.
constexpr int kMaxDepth = 8;

template <typename Visit>
void visit_identifiers(dom::element element, int depth, const Visit& visit) {
  if (depth > kMaxDepth) return;
  if (element.is_array()) {
    for (dom::element item : array_of(element)) visit_identifiers(item, depth + 1, visit);
    return;
  }
  if (!element.is_object()) return;
  for (dom::key_value_pair member : object_of(element)) {
    if (member.value.is_string() && is_identifier_key(member.key)) {
      visit(std::string_view(member.value), type_for_key(member.key));
    } else if (member.value.is_array() && is_identifier_key(member.key)) {
      for (dom::element item : array_of(member.value)) {
        if (item.is_string()) visit(std::string_view(item), type_for_key(member.key));
      }
    } else {
      visit_identifiers(member.value, depth + 1, visit);
    }
  }
}

/// The value of the last member named `key` (a key given twice keeps its last value, as in jq),
/// or nullopt.
std::optional<dom::element> member_at(dom::object object, std::string_view key) {
  std::optional<dom::element> found;
  for (dom::key_value_pair member : object) {
    if (member.key == key) found = member.value;
  }
  return found;
}

std::string_view string_at(dom::object object, std::string_view key) {
  const std::optional<dom::element> value = member_at(object, key);
  std::string_view text;
  if (!value || value->get(text)) return {};
  return text;
}

void visit_path(dom::element element, const std::vector<std::string_view>& segments,
                std::size_t index, const std::function<void(std::string_view)>& visit) {
  if (element.is_array()) {
    for (dom::element item : array_of(element)) {
      visit_path(item, segments, index, visit);
    }
    return;
  }
  if (index == segments.size()) {
    if (element.is_string()) {
      visit(std::string_view(element));
    } else {
      const std::string text = simdjson::minify(element);
      visit(text);
    }
    return;
  }
  if (!element.is_object()) return;
  if (const std::optional<dom::element> child = member_at(object_of(element), segments[index])) {
    visit_path(*child, segments, index + 1, visit);
  }
}

}  // namespace

std::string_view Event::failure() const {
  if (!error_code.empty() || event_type != "AwsConsoleSignIn") return error_code;
  // responseElements of sign-in events is one flat object: {"ConsoleLogin":"Failure"}.
  bool failed = !error_message.empty();
  for (std::size_t at = response_elements_json.find("\"Failure\"");
       !failed && at != std::string_view::npos;
       at = response_elements_json.find("\"Failure\"", at + 1)) {
    const std::size_t before = response_elements_json.find_last_not_of(" \t\r\n", at - 1);
    failed = before != std::string_view::npos && response_elements_json[before] == ':';
  }
  if (!failed) return {};
  return error_message.empty() ? std::string_view("Failure") : error_message;
}

std::string_view Event::username() const {
  if (lookup.present) return lookup.has_username ? lookup.username : std::string_view{};
  const UserIdentity& identity = user_identity;
  if (identity.type == "Root") return "root";
  if (identity.type == "AssumedRole" || identity.type == "FederatedUser") {
    if (const std::size_t slash = identity.arn.rfind('/'); slash != std::string_view::npos) {
      return identity.arn.substr(slash + 1);
    }
    if (const std::size_t colon = identity.principal_id.find(':');
        colon != std::string_view::npos) {
      return identity.principal_id.substr(colon + 1);
    }
  }
  return identity.user_name;
}

Status for_each_resource(const Event& event, const ResourceVisitor& user_visit) {
  // A name is listed once, with the first type found for it: resources[] may type an ARN that
  // requestParameters names again (policyArn, topicArn).
  std::vector<std::string> seen;
  auto visit = [&](std::string_view name, std::string_view type) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
    seen.emplace_back(name);
    user_visit(name, type);
  };
  dom::parser& parser = thread_parser();
  dom::element root;
  const auto parse = [&](std::string_view json, std::string_view what) -> Status {
    if (auto error = parser.parse(json.data(), json.size()).get(root)) {
      return make_error("",
                        fmt::format("cannot read {}: {}", what, simdjson::error_message(error)));
    }
    return {};
  };
  if (event.lookup.present && !event.lookup.resources_json.empty()) {
    if (Status parsed = parse(event.lookup.resources_json, "Resources"); !parsed) return parsed;
    for (dom::element item : array_of(root)) {
      if (!item.is_object()) continue;
      const dom::object resource = object_of(item);
      visit(string_at(resource, "ResourceName"), string_at(resource, "ResourceType"));
    }
    return {};
  }
  if (!event.resources_json.empty()) {
    if (Status parsed = parse(event.resources_json, "resources"); !parsed) return parsed;
    for (dom::element item : array_of(root)) {
      if (!item.is_object()) continue;
      const dom::object resource = object_of(item);
      std::string_view name = string_at(resource, "ARN");
      if (name.empty()) name = string_at(resource, "ARNPrefix");
      if (!name.empty()) visit(name, string_at(resource, "type"));
    }
  }
  if (!event.request_parameters_json.empty()) {
    if (Status parsed = parse(event.request_parameters_json, "requestParameters"); !parsed)
      return parsed;
    visit_identifiers(root, 0, visit);
  }
  return {};
}

Status for_each_value_at_path(const Event& event, std::string_view dotted_path,
                              const std::function<void(std::string_view)>& visit) {
  std::vector<std::string_view> segments;
  for (std::size_t start = 0;;) {
    const std::size_t dot = dotted_path.find('.', start);
    segments.push_back(dotted_path.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  dom::element root;
  if (auto error = thread_parser().parse(event.json.data(), event.json.size()).get(root)) {
    return make_error("",
                      fmt::format("cannot read the record: {}", simdjson::error_message(error)));
  }
  visit_path(root, segments, 0, visit);
  return {};
}

std::optional<InsightDetails> insight_details(const Event& event) {
  if (event.event_type != "AwsCloudTrailInsight") return std::nullopt;
  dom::element root;
  if (thread_parser().parse(event.json.data(), event.json.size()).get(root)) return std::nullopt;
  dom::element element;
  if (root["insightDetails"].get(element) || !element.is_object()) return std::nullopt;
  const dom::object details = object_of(element);
  return InsightDetails{
      std::string(string_at(details, "state")), std::string(string_at(details, "eventSource")),
      std::string(string_at(details, "eventName")), std::string(string_at(details, "insightType")),
      std::string(string_at(details, "errorCode"))};
}

}  // namespace trailsift
