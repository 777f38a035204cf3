// SPDX-License-Identifier: MIT
// Loading rules: files and folders, YAML documents, log sources, the options that choose
// rules, placeholders, and the problems of rules that cannot run (with file, line and id).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "sigma_test_support.hpp"

namespace fs = std::filesystem;
using trailsift::add_sigma_placeholder;
using trailsift::add_sigma_placeholders;
using trailsift::parse_sigma_level;
using trailsift::read_sigma_sources;
using trailsift::SigmaLevel;
using trailsift::SigmaOptions;
using trailsift::SigmaPlaceholders;
using trailsift::SigmaRuleSet;
using trailsift::test::cloudtrail_rule;
using trailsift::test::compile_rules;
using trailsift::test::problems_of;

namespace {

constexpr std::string_view kSelection =
    "    selection:\n        eventName: X\n    condition: selection\n";

/// A rule with the given title and top-level lines.
std::string rule(std::string_view title, std::string_view extra) {
  return cloudtrail_rule(title, kSelection, extra);
}

std::vector<std::string> titles(const SigmaRuleSet& rules) {
  std::vector<std::string> titles;
  for (const auto& info : rules.rules()) titles.push_back(info.title);
  return titles;
}

using Titles = std::vector<std::string>;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("trailsift-sigma-test-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& relative, std::string_view text) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative, std::ios::binary) << text;
  }
};

}  // namespace

TEST_CASE("Levels", "[sigma_load]") {
  CHECK(parse_sigma_level("High") == SigmaLevel::kHigh);
  CHECK(parse_sigma_level("informational") == SigmaLevel::kInformational);
  CHECK_FALSE(parse_sigma_level("severe"));
  CHECK(trailsift::sigma_level_name(SigmaLevel::kCritical) == "critical");
}

TEST_CASE("Several documents in a file - metadata read", "[sigma_load]") {
  const auto rules =
      compile_rules(rule("one", "level: high\nstatus: stable\ntags:\n    - attack.t1078\n") +
                    "---\n" + rule("two", "") + "---\n");
  REQUIRE(titles(rules) == Titles{"one", "two"});
  CHECK(rules.documents() == 2);
  const auto& one = rules.rules()[0];
  CHECK(one.id == "one");
  CHECK(one.path == "rules.yml");
  CHECK(one.level == SigmaLevel::kHigh);
  CHECK(one.status == "stable");
  CHECK(one.tags == std::vector<std::string>{"attack.t1078"});
  CHECK_FALSE(one.correlation);
  CHECK(rules.rules()[1].level == SigmaLevel::kNone);
}

TEST_CASE("Rules for other log sources are counted and left out", "[sigma_load]") {
  const std::string windows =
      "title: win\nid: win\nlogsource:\n    product: windows\ndetection:\n    selection:\n"
      "        EventID|nonsense: 4624\n    condition: selection\n";
  const std::string over_windows =
      "title: corr\ncorrelation: {type: event_count, rules: [win], timespan: 1m, condition: {gte: "
      "2}}\n";
  const auto rules = compile_rules(rule("aws", "") + "---\n" + windows + "---\n" + over_windows +
                                   "---\nsome: other yaml\n");
  CHECK(titles(rules) == Titles{"aws"});
  CHECK(rules.other_log_sources() == 2);  // its problem (a bad modifier) is not ours
  CHECK(rules.not_rules() == 1);
  CHECK(rules.problems().empty());
}

TEST_CASE("Options choose rules by status, level, id or name, and tag", "[sigma_load]") {
  const std::string yaml =
      rule("a", "name: alpha\nstatus: stable\nlevel: low\ntags: [attack.t1078, cloud]\n") +
      "---\n" + rule("b", "status: experimental\nlevel: high\ntags: [attack.t1580]\n") + "---\n" +
      rule("c", "status: test\n");
  auto chosen = [&](const SigmaOptions& options) {
    const auto rules = compile_rules(yaml, options);
    return std::pair{titles(rules), rules.not_selected()};
  };
  SigmaOptions options;
  options.statuses = {"stable", "TEST"};
  CHECK(chosen(options) == std::pair{Titles{"a", "c"}, std::size_t{1}});
  options = {};
  options.min_level = SigmaLevel::kMedium;  // c has no level
  CHECK(chosen(options).first == Titles{"b"});
  options = {};
  options.ids = {"ALPHA", "c"};
  CHECK(chosen(options).first == Titles{"a", "c"});
  options.ids = {"[ab]"};
  CHECK(chosen(options).first == Titles{"a", "b"});
  options = {};
  options.tags = {"attack.t1*"};
  CHECK(chosen(options).first == Titles{"a", "b"});
  options.statuses = {"stable"};
  CHECK(chosen(options).first == Titles{"a"});
}

TEST_CASE("Problems name the file, the line and the rule", "[sigma_load]") {
  CHECK(
      problems_of("title: x\ndetection: [unclosed\n") ==
      std::vector<std::string>{"rules.yml: line 3: invalid YAML: end of sequence flow not found"});
  CHECK(problems_of(rule("one", "") + "---\n" + rule("one", "")) ==
        std::vector<std::string>{
            "rules.yml: line 11: rule one: 'one' also names the rule at rules.yml:1"});
  CHECK(problems_of("id: untitled\nlogsource: {product: aws, service: cloudtrail}\n") ==
        std::vector<std::string>{"rules.yml: line 1: rule untitled: the rule has no title"});
  CHECK(problems_of(rule("t", "level: severe\n")) ==
        std::vector<std::string>{"rules.yml: line 1: rule t: unknown level 'severe'"});
  CHECK(problems_of("action: global\n" + rule("t", "")) ==
        std::vector<std::string>{
            "rules.yml: line 1: rule t: rule collections (action: global) are not supported"});
  CHECK(
      problems_of(
          "title: f\nlogsource: {product: aws, service: cloudtrail}\nfilter:\n    rules: [x]\n") ==
      std::vector<std::string>{"rules.yml: line 1: rule f: Sigma filters are not supported"});
  CHECK(problems_of("title: n\nlogsource: {product: aws, service: cloudtrail}\n") ==
        std::vector<std::string>{"rules.yml: line 1: rule n: the rule has no detection"});
  CHECK(problems_of(cloudtrail_rule("e", "    selection: {}\n    condition: selection\n")) ==
        std::vector<std::string>{"rules.yml: line 7: rule e: search identifier 'selection': an "
                                 "empty map matches nothing"});
  // A rule the options leave out is not reported, whatever is wrong with it.
  SigmaOptions options;
  options.ids = {"good"};
  CHECK(problems_of(rule("good", "") + "---\n" + rule("bad", "level: severe\n"), options).empty());
}

TEST_CASE("Rule files: one file, or folders walked in byte order (.yml, .yaml)", "[sigma_load]") {
  TempDir dir;
  dir.write("rules/b.yml", "b");
  dir.write("rules/a/z.yaml", "z");
  dir.write("rules/a/notes.txt", "no");
  dir.write("rules/c.YML.bak", "no");
  dir.write("single.rule", "s");
  const std::string root = dir.path.string();
  const auto sources = read_sigma_sources({root + "/rules", root + "/single.rule"});
  REQUIRE(sources);
  std::vector<std::string> found;
  for (const auto& source : *sources)
    found.push_back(source.path.substr(root.size()) + "=" + source.text);
  CHECK(found == std::vector<std::string>{"/rules/a/z.yaml=z", "/rules/b.yml=b", "/single.rule=s"});
  const auto missing = read_sigma_sources({root + "/missing"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().to_string() == root + "/missing: No such file or directory");
}

TEST_CASE("Placeholders from arguments and files", "[sigma_load]") {
  SigmaPlaceholders placeholders;
  REQUIRE(add_sigma_placeholder("admins=alice,bob", placeholders));
  REQUIRE(add_sigma_placeholder("admins=carol", placeholders));
  CHECK(placeholders["admins"] == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK_FALSE(add_sigma_placeholder("admins", placeholders));
  CHECK_FALSE(add_sigma_placeholder("=x", placeholders));
  CHECK(add_sigma_placeholder("x=", placeholders).error().message ==
        "expected NAME=VALUE[,VALUE...], got 'x='");
  REQUIRE(
      add_sigma_placeholders({"p.yml", "'%servers%': [web*, db1]\nadmins: dave\n"}, placeholders));
  CHECK(placeholders["servers"] == std::vector<std::string>{"web*", "db1"});
  CHECK(placeholders["admins"].back() == "dave");
  CHECK(add_sigma_placeholders({"p.yml", "[a, b]\n"}, placeholders).error().to_string() ==
        "p.yml: expected a map of names to values");
  CHECK(add_sigma_placeholders({"p.yml", "a: {b: c}\n"}, placeholders).error().to_string() ==
        "p.yml: line 1: expected a name and a value or a list of values");
}
