// SPDX-License-Identifier: MIT
// Conditions: and, or, not and their precedence, parentheses, `1 of`/`all of` patterns and
// `them`, lists of conditions; and the problems of conditions that cannot run.
#include <catch2/catch.hpp>

#include "sigma_test_support.hpp"

using trailsift::test::cloudtrail_rule;
using trailsift::test::Ids;
using trailsift::test::matching_ids;
using trailsift::test::problems_of;

namespace {

// Which of the fields a, b and c each record sets to "1".
constexpr std::string_view kRecords = R"(
{"eventName":"E","eventSource":"s","eventID":"a","a":"1"}
{"eventName":"E","eventSource":"s","eventID":"b","b":"1"}
{"eventName":"E","eventSource":"s","eventID":"ab","a":"1","b":"1"}
{"eventName":"E","eventSource":"s","eventID":"c","c":"1"}
{"eventName":"E","eventSource":"s","eventID":"ac","a":"1","c":"1"}
{"eventName":"E","eventSource":"s","eventID":"none"}
{"eventName":"E","eventSource":"s","eventID":"abc","a":"1","b":"1","c":"1"}
)";

constexpr std::string_view kSearches =
    "    sel_a:\n        a: '1'\n"
    "    sel_b:\n        b: '1'\n"
    "    filter_c:\n        c: '1'\n"
    "    _never:\n        d: '1'\n";

Ids ids(std::string_view condition) {
  return matching_ids(std::string(kSearches) + "    condition: " + std::string(condition) + "\n",
                      kRecords);
}

std::string problem(std::string_view condition) {
  const auto problems = problems_of(cloudtrail_rule(
      "t", std::string(kSearches) + "    condition: " + std::string(condition) + "\n"));
  REQUIRE(problems.size() == 1);
  return problems.front();
}

}  // namespace

TEST_CASE("and, or, not: not binds tightest, then and, then or", "[sigma_condition]") {
  CHECK(ids("sel_a and sel_b") == Ids{"ab", "abc"});
  CHECK(ids("sel_a or sel_b") == Ids{"a", "b", "ab", "ac", "abc"});
  CHECK(ids("sel_b and not filter_c or sel_a") == Ids{"a", "b", "ab", "ac", "abc"});
  CHECK(ids("sel_a or sel_b and not filter_c") == Ids{"a", "b", "ab", "ac", "abc"});
  CHECK(ids("not sel_a or sel_b") == Ids{"b", "ab", "c", "none", "abc"});
  CHECK(ids("not sel_a and not sel_b") == Ids{"c", "none"});
  CHECK(ids("not not sel_a") == Ids{"a", "ab", "ac", "abc"});
}

TEST_CASE("Keywords of conditions in any case - identifiers in theirs", "[sigma_condition]") {
  CHECK(ids("sel_a AND NOT sel_b") == Ids{"a", "ac"});
  CHECK(problem("SEL_A").ends_with("unknown search identifier 'SEL_A'"));
}

TEST_CASE("Parentheses", "[sigma_condition]") {
  CHECK(ids("(sel_a or sel_b) and not filter_c") == Ids{"a", "b", "ab"});
  CHECK(ids("not (sel_a or sel_b)") == Ids{"c", "none"});
  CHECK(ids("((sel_a))") == Ids{"a", "ab", "ac", "abc"});
}

TEST_CASE("1 of, all of: a pattern, or them (without _ identifiers)", "[sigma_condition]") {
  CHECK(ids("1 of sel_*") == Ids{"a", "b", "ab", "ac", "abc"});
  CHECK(ids("all of sel_*") == Ids{"ab", "abc"});
  CHECK(ids("1 of sel_* and not 1 of filter*") == Ids{"a", "b", "ab"});
  CHECK(ids("all of *_?") == Ids{"abc"});  // sel_a, sel_b, filter_c
  CHECK(ids("1 of them") == Ids{"a", "b", "ab", "c", "ac", "abc"});
  CHECK(ids("all of them") == Ids{"abc"});  // _never left out
  CHECK(ids("1 of _*") == Ids{});
}

TEST_CASE("A list of conditions ORs them", "[sigma_condition]") {
  CHECK(matching_ids(std::string(kSearches) +
                         "    condition:\n        - sel_a and sel_b\n        - filter_c\n",
                     kRecords) == Ids{"ab", "c", "ac", "abc"});
}

TEST_CASE("Conditions that cannot run are the rule's problem", "[sigma_condition]") {
  CHECK(problem("sel_a and").ends_with("condition 'sel_a and': the condition ends too early"));
  CHECK(problem("sel_a sel_b").ends_with("unexpected 'sel_b'"));
  CHECK(problem("(sel_a").ends_with("a '(' is not closed"));
  CHECK(problem("sel_a)").ends_with("unexpected ')'"));
  CHECK(problem("sel_x").ends_with("unknown search identifier 'sel_x'"));
  CHECK(problem("1 of nothing*").ends_with("'nothing*' names no search identifier"));
  CHECK(problem("2 of sel_*").ends_with("'2 of' is not Sigma: use '1 of' or 'all of'"));
  CHECK(problem("all of").ends_with("'of' needs a pattern or 'them'"));
  CHECK(problem(std::string(100, '(') + "sel_a" + std::string(100, ')'))
            .ends_with("the condition nests too deeply"));
  CHECK(problem("not " + std::string(100, '(') + "sel_a" + std::string(100, ')'))
            .ends_with("the condition nests too deeply"));
  CHECK(
      problem("sel_a | max(a) > 1").ends_with("aggregation 'max' is not supported: only count()"));
  CHECK(problem("sel_a | near sel_b").ends_with("the 'near' operator is not supported"));
  CHECK(
      problem("sel_a | count() > many").ends_with("count() must be compared with a whole number"));
  CHECK(problem("sel_a | count( > 1").ends_with("count( is not closed"));
  CHECK(problem("sel_a | count() by > 1").ends_with("'by' needs a field"));
  CHECK(problem("sel_a | count() ~ 1").ends_with("count() needs a comparison: >, >=, <, <= or =="));
  CHECK(
      problems_of(cloudtrail_rule("t", kSearches)).front().ends_with("detection has no condition"));
}
