// SPDX-License-Identifier: MIT
#include "trailsift/input.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "test_support.hpp"

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
  for (const char* name :
       {"a.csv", "a.json.bak", "a.gz", "json", "a.txt",
        "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240301T120000Z.json.gz"}) {
    CHECK_FALSE(is_event_file_name(name));
  }
}

TEST_CASE("Directories are walked in byte order - digests and other files skipped", "[input]") {
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

TEST_CASE("Named files are read whatever their name - missing paths are errors", "[input]") {
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

TEST_CASE("read_input inflates by magic number - not by name", "[input]") {
  TempDir dir;
  dir.write("plain.json.gz", "not gzip");
  dir.write("packed.json", trailsift::test::gzip("inflated"));
  trailsift::ByteBuffer scratch, out;
  REQUIRE(trailsift::read_input((dir.path / "plain.json.gz").string(), {}, scratch, out));
  CHECK(out.view() == "not gzip");
  REQUIRE(trailsift::read_input((dir.path / "packed.json").string(), {}, scratch, out));
  CHECK(out.view() == "inflated");
  const auto too_big =
      trailsift::read_input((dir.path / "plain.json.gz").string(), {4}, scratch, out);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().message == "file is larger than the 4 bytes limit");
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
                                         "AWSLogs/linked-dir (link)",
                                         "AWSLogs/linked-file (link)"});
  CHECK(files->at(1).size == 5);
  CHECK_FALSE(trailsift::list_mirror((dir.path / "missing").string()));
}

TEST_CASE("list_mirror walks links to folders inside the root, and lists what it does not walk",
          "[input]") {
  TempDir outside;
  outside.write("mirror/real/a.json.gz");
  outside.write("secret/s.json.gz");
  const fs::path root = outside.path / "mirror";
  fs::create_symlink("real", root / "in");         // walked: its files are links
  fs::create_symlink("../secret", root / "out");   // leads out: not walked
  fs::create_symlink("..", root / "real" / "up");  // holds itself: not walked
  fs::create_symlink("a.json.gz", root / "real" / "b.json.gz");
  REQUIRE(::mkfifo((root / "fifo.json").c_str(), 0600) == 0);
  const auto files = trailsift::list_mirror(root.string());
  REQUIRE(files);
  std::vector<std::string> listed;
  for (const auto& file : *files) {
    listed.push_back(file.key + (file.symlink ? " (link)" : "") +
                     (file.not_a_file.empty() ? "" : ": " + file.not_a_file) + " " +
                     std::to_string(file.size));
  }
  CHECK(listed == std::vector<std::string>{
                      "fifo.json: a FIFO 0", "in/a.json.gz (link) 2", "in/b.json.gz (link) 2",
                      "in/up (link): a symbolic link to a folder that holds it: not walked 0",
                      "out (link): a symbolic link to a folder outside the mirror: not walked 0",
                      "real/a.json.gz 2", "real/b.json.gz (link) 2",
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
  CHECK(trailsift::resolve_mirror_key(root, "AWSLogs/log.json.gz").path ==
        root + "/AWSLogs/log.json.gz");
}

TEST_CASE("read_mirror_file refuses a file that lies outside the mirror once opened", "[input]") {
  TempDir root, elsewhere;
  root.write("AWSLogs/log.json", "inside");
  elsewhere.write("secret.json", "outside");
  // What a link swapped in after resolve_mirror_key looked at would lead to.
  fs::create_symlink(elsewhere.path / "secret.json", root.path / "AWSLogs/swapped.json");
  trailsift::ByteBuffer out;
  REQUIRE(trailsift::read_mirror_file(root.path.string(), (root.path / "AWSLogs/log.json").string(),
                                      {}, out));
  CHECK(out.view() == "inside");
  const std::string swapped = (root.path / "AWSLogs/swapped.json").string();
  const auto refused = trailsift::read_mirror_file(root.path.string(), swapped, {}, out);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().to_string() == swapped + ": the file opened lies outside the mirror");
}

namespace {

/// Reads a whole InputStream, `raw_chunk` raw bytes at a time.
trailsift::Result<std::string> stream_all(std::string_view bytes, std::size_t raw_chunk = SIZE_MAX,
                                          trailsift::ReadLimits limits = {}) {
  auto stream = trailsift::InputStream::from_memory("in", bytes, limits, raw_chunk);
  std::string out;
  char buffer[37];  // an odd size, so that reads end anywhere
  while (true) {
    auto count = stream.read(buffer, sizeof buffer);
    if (!count) return count.error();
    if (*count == 0) return out;
    out.append(buffer, *count);
  }
}

/// `packed` (one gzip member from zlib) with an FHCRC header field holding `crc16`.
std::string with_header_crc(const std::string& packed, std::optional<std::uint16_t> crc16 = {}) {
  std::string header = packed.substr(0, 10);
  header[3] = static_cast<char>(header[3] | 0x02);
  const auto crc = static_cast<std::uint16_t>(
      crc32(0, reinterpret_cast<const Bytef*>(header.data()), static_cast<uInt>(header.size())));
  const std::uint16_t value = crc16.value_or(crc);
  header += static_cast<char>(value & 0xff);
  header += static_cast<char>(value >> 8);
  return header + packed.substr(10);
}

}  // namespace

TEST_CASE("InputStream inflates every member, cut anywhere", "[input]") {
  const std::string text = R"({"Records":[]})";
  const std::string two = trailsift::test::gzip(text) + trailsift::test::gzip("\n" + text);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{9}, SIZE_MAX}) {
    auto got = stream_all(two, chunk);
    REQUIRE(got);
    CHECK(*got == text + "\n" + text);
  }
  auto plain = stream_all(text, 1);
  REQUIRE(plain);
  CHECK(*plain == text);
}

TEST_CASE("InputStream checks the gzip header's own checksum (FHCRC)", "[input]") {
  const std::string packed = trailsift::test::gzip("{\"Records\":[]}");
  auto good = stream_all(with_header_crc(packed));
  REQUIRE(good);
  CHECK(*good == "{\"Records\":[]}");
  auto bad = stream_all(with_header_crc(packed, std::uint16_t{0x1234}));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("corrupt gzip data") == 0);
}

TEST_CASE("InputStream: zero padding after gzip data is a warning, other data an error",
          "[input]") {
  const std::string packed = trailsift::test::gzip("x");
  const std::string padded = packed + std::string(512, '\0');
  auto stream = trailsift::InputStream::from_memory("in", padded, {}, 3);
  char buffer[16];
  std::string out;
  for (auto count = stream.read(buffer, sizeof buffer); count && *count > 0;
       count = stream.read(buffer, sizeof buffer)) {
    out.append(buffer, *count);
  }
  CHECK(out == "x");
  const auto warnings = stream.take_warnings();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].to_string() ==
        fmt::format("in: byte {}: 512 zero bytes after the end of the gzip data ignored",
                    packed.size()));

  auto garbage = stream_all(packed + std::string(3, '\0') + "junk", 2);
  REQUIRE_FALSE(garbage);
  CHECK(
      garbage.error().to_string() ==
      fmt::format("in: byte {}: unexpected data after the end of the gzip stream", packed.size()));
}

TEST_CASE("InputStream: truncated gzip data is an error - --max-size stops as soon as crossed",
          "[input]") {
  const std::string packed = trailsift::test::gzip(std::string(100000, 'a'));
  auto truncated = stream_all(packed.substr(0, packed.size() - 5));
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message == "truncated gzip data (in the gzip member that starts here)");

  trailsift::ReadLimits limits;
  limits.max_bytes = 1000;
  auto big = stream_all(packed, SIZE_MAX, limits);
  REQUIRE_FALSE(big);
  CHECK(big.error().message == "input is larger than the --max-size limit of 1000 bytes");
  auto exact = stream_all(std::string(1000, 'a'), SIZE_MAX, limits);
  CHECK(exact);
}
