// SPDX-License-Identifier: MIT
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "trailsift/input.hpp"

namespace fs = std::filesystem;
using trailsift::expand_inputs;
using trailsift::is_event_file_name;

namespace {

/// A scratch folder removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("trailsift-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& relative, std::string_view bytes = "{}") const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative, std::ios::binary) << bytes;
  }
};

}  // namespace

TEST_CASE("Event file names", "[input]") {
  for (const char* name : {"a.json", "a.json.gz", "a.jsonl", "a.ndjson.gz", "a.jsonl.gz",
                           "111122223333_CloudTrail_us-east-1_20240301T1200Z_abc.json.gz"}) {
    CHECK(is_event_file_name(name));
  }
  for (const char* name : {"a.csv", "a.json.bak", "a.gz", "json", "a.txt",
                           "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240301T120000Z.json.gz"}) {
    CHECK_FALSE(is_event_file_name(name));
  }
}

TEST_CASE("Directories are walked in byte order; digests and other files skipped", "[input]") {
  TempDir dir;
  dir.write("b/2.json");
  dir.write("b/10.json.gz");
  dir.write("a/Z.jsonl");
  dir.write("a/notes.txt");
  dir.write("AWSLogs/1/CloudTrail-Digest/us-east-1/d.json.gz");
  dir.write("AWSLogs/1/CloudTrail/us-east-1/x.json");
  const auto list = expand_inputs({dir.path.string()});
  CHECK(list.errors.empty());
  std::vector<std::string> names;
  for (const auto& file : list.files) {
    names.push_back(fs::relative(file.path, dir.path).string());
    CHECK_FALSE(file.named);
  }
  CHECK(names == std::vector<std::string>{"AWSLogs/1/CloudTrail/us-east-1/x.json", "a/Z.jsonl",
                                          "b/10.json.gz", "b/2.json"});
}

TEST_CASE("Named files are read whatever their name; missing paths are errors", "[input]") {
  TempDir dir;
  dir.write("events.txt");
  const std::string missing = (dir.path / "missing.json").string();
  const auto list = expand_inputs({(dir.path / "events.txt").string(), missing, "-"});
  REQUIRE(list.files.size() == 2);
  CHECK(list.files[0].named);
  CHECK(list.files[1].path == "-");
  REQUIRE(list.errors.size() == 1);
  CHECK(list.errors[0].to_string() == missing + ": No such file or directory");
  CHECK(expand_inputs({}).files.at(0).path == "-");
}

TEST_CASE("read_input inflates by magic number; not by name", "[input]") {
  TempDir dir;
  dir.write("plain.json.gz", "not gzip");
  dir.write("packed.json", trailsift::test::gzip("inflated"));
  trailsift::ByteBuffer scratch, out;
  REQUIRE(trailsift::read_input((dir.path / "plain.json.gz").string(), {}, scratch, out));
  CHECK(out.view() == "not gzip");
  REQUIRE(trailsift::read_input((dir.path / "packed.json").string(), {}, scratch, out));
  CHECK(out.view() == "inflated");
  const auto too_big = trailsift::read_input((dir.path / "plain.json.gz").string(), {4}, scratch, out);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().message == "file is larger than the 4 bytes limit (--max-size)");
}

TEST_CASE("Sizes in messages", "[input]") {
  CHECK(trailsift::format_size(std::uint64_t{2} << 30) == "2 GiB");
  CHECK(trailsift::format_size(1536) == "1536 bytes");
  CHECK(trailsift::format_size(1024 * 1024) == "1 MiB");
}

TEST_CASE("Lists of paths: one per line, blank lines skipped", "[input]") {
  TempDir dir;
  dir.write("list.txt", "a/b.json\r\n\n  \nlogs dir/\n-\nlast");
  auto paths = trailsift::read_path_list((dir.path / "list.txt").string());
  REQUIRE(paths);
  CHECK(*paths == std::vector<std::string>{"a/b.json", "logs dir/", "-", "last"});

  dir.write("empty.txt", "\n \n");
  auto empty = trailsift::read_path_list((dir.path / "empty.txt").string());
  REQUIRE_FALSE(empty);
  CHECK(empty.error().to_string() == (dir.path / "empty.txt").string() + ": lists no paths");
  auto missing = trailsift::read_path_list((dir.path / "missing.txt").string());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "No such file or directory");
}

TEST_CASE("inflate_gzip_member stops after the first member and says where", "[input]") {
  const std::string first = trailsift::test::gzip("{}");
  const std::string second = trailsift::test::gzip(R"({"extra":"member"})");
  trailsift::ByteBuffer out;
  auto used = trailsift::inflate_gzip_member(first + second, {}, out);
  REQUIRE(used);
  CHECK(*used == first.size());
  CHECK(out.view() == "{}");
  used = trailsift::inflate_gzip_member(first + "garbage", {}, out);
  REQUIRE(used);
  CHECK(*used == first.size());
  used = trailsift::inflate_gzip_member(first, {}, out);
  REQUIRE(used);
  CHECK(*used == first.size());
  // Every member, as gzip -d: the reader's behaviour is unchanged.
  REQUIRE(trailsift::inflate_gzip(first + second, {}, out));
  CHECK(out.view() == R"({}{"extra":"member"})");
  const auto truncated = trailsift::inflate_gzip_member(first.substr(0, first.size() - 3), {}, out);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message == "truncated gzip data");
  const auto garbage = trailsift::inflate_gzip(first + "garbage", {}, out);
  REQUIRE_FALSE(garbage);
  CHECK(garbage.error().offset == first.size());
}

TEST_CASE("list_mirror lists keys in byte order, links listed but not followed", "[input]") {
  TempDir dir;
  dir.write("AWSLogs/b.json.gz");
  dir.write("AWSLogs/a/z.json.gz", "12345");
  dir.write("AWSLogs-x");
  fs::create_symlink("/etc", dir.path / "AWSLogs" / "linked-dir");
  fs::create_symlink("b.json.gz", dir.path / "AWSLogs" / "linked-file");
  const auto files = trailsift::list_mirror(dir.path.string());
  REQUIRE(files);
  std::vector<std::string> keys;
  for (const auto& file : *files) keys.push_back(file.key + (file.symlink ? " (link)" : ""));
  CHECK(keys == std::vector<std::string>{"AWSLogs-x", "AWSLogs/a/z.json.gz", "AWSLogs/b.json.gz",
                                         "AWSLogs/linked-dir (link)", "AWSLogs/linked-file (link)"});
  CHECK(files->at(1).size == 5);
  CHECK_FALSE(trailsift::list_mirror((dir.path / "missing").string()));
}

TEST_CASE("list_mirror walks links to folders inside the root, and lists what it does not walk", "[input]") {
  TempDir outside;
  outside.write("mirror/real/a.json.gz");
  outside.write("secret/s.json.gz");
  const fs::path root = outside.path / "mirror";
  fs::create_symlink("real", root / "in");                   // walked: its files are links
  fs::create_symlink("../secret", root / "out");             // leads out: not walked
  fs::create_symlink("..", root / "real" / "up");            // holds itself: not walked
  fs::create_symlink("a.json.gz", root / "real" / "b.json.gz");
  REQUIRE(::mkfifo((root / "fifo.json").c_str(), 0600) == 0);
  const auto files = trailsift::list_mirror(root.string());
  REQUIRE(files);
  std::vector<std::string> listed;
  for (const auto& file : *files) {
    listed.push_back(file.key + (file.symlink ? " (link)" : "") + (file.not_a_file.empty() ? "" : ": " + file.not_a_file) +
                     " " + std::to_string(file.size));
  }
  CHECK(listed == std::vector<std::string>{
                      "fifo.json: a FIFO 0",
                      "in/a.json.gz (link) 2",
                      "in/b.json.gz (link) 2",
                      "in/up (link): a symbolic link to a folder that holds it: not walked 0",
                      "out (link): a symbolic link to a folder outside the mirror: not walked 0",
                      "real/a.json.gz 2",
                      "real/b.json.gz (link) 2",
                      "real/up (link): a symbolic link to a folder that holds it: not walked 0"});
}

TEST_CASE("resolve_mirror_key never leaves the mirror", "[input]") {
  TempDir outside;
  outside.write("secret.json.gz");
  outside.write("mirror/AWSLogs/log.json.gz");
  const std::string root = (outside.path / "mirror").string();
  fs::create_symlink("../../secret.json.gz", outside.path / "mirror" / "AWSLogs" / "out.json.gz");
  fs::create_symlink("log.json.gz", outside.path / "mirror" / "AWSLogs" / "in.json.gz");
  fs::create_symlink(outside.path, outside.path / "mirror" / "AWSLogs" / "up");
  using trailsift::KeyPlace;
  auto place = [&](std::string_view key) { return trailsift::resolve_mirror_key(root, key).place; };
  CHECK(place("AWSLogs/log.json.gz") == KeyPlace::kInside);
  CHECK(place("AWSLogs/in.json.gz") == KeyPlace::kInside);
  CHECK(place("AWSLogs/missing.json.gz") == KeyPlace::kMissing);
  CHECK(place("AWSLogs") == KeyPlace::kMissing);  // a directory is not a file
  CHECK(place("AWSLogs/out.json.gz") == KeyPlace::kOutside);
  CHECK(place("AWSLogs/up/secret.json.gz") == KeyPlace::kOutside);
  CHECK(place("../secret.json.gz") == KeyPlace::kOutside);
  CHECK(place("AWSLogs/../../secret.json.gz") == KeyPlace::kOutside);
  CHECK(place("/etc/passwd") == KeyPlace::kOutside);
  CHECK(place("AWSLogs//log.json.gz") == KeyPlace::kOutside);
  CHECK(place("AWSLogs/./log.json.gz") == KeyPlace::kOutside);
  CHECK(place("") == KeyPlace::kOutside);
  const auto resolved = trailsift::resolve_mirror_key(root, "../secret.json.gz");
  CHECK(resolved.reason == "a key with '..'");
  CHECK(trailsift::resolve_mirror_key(root, "AWSLogs/log.json.gz").path == root + "/AWSLogs/log.json.gz");
}

TEST_CASE("read_mirror_file refuses a file that lies outside the mirror once opened", "[input]") {
  TempDir root, elsewhere;
  root.write("AWSLogs/log.json", "inside");
  elsewhere.write("secret.json", "outside");
  // What a link swapped in after resolve_mirror_key looked at would lead to.
  fs::create_symlink(elsewhere.path / "secret.json", root.path / "AWSLogs/swapped.json");
  trailsift::ByteBuffer out;
  REQUIRE(trailsift::read_mirror_file(root.path.string(), (root.path / "AWSLogs/log.json").string(), {}, out));
  CHECK(out.view() == "inside");
  const std::string swapped = (root.path / "AWSLogs/swapped.json").string();
  const auto refused = trailsift::read_mirror_file(root.path.string(), swapped, {}, out);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().to_string() == swapped + ": the file opened lies outside the mirror");
}
