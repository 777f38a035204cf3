// SPDX-License-Identifier: MIT
// A main() for builds without libFuzzer (any compiler): runs a fuzz target once on each file
// named, or on each file of each folder named, in byte order. The seed corpus and the inputs
// of past findings thus run as regression tests in every build, sanitizers included.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

#include "fuzz_support.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path path(argv[i]);
    if (!fs::is_directory(path)) {
      inputs.push_back(path);
      continue;
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(path)) {
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    }
  }
  std::sort(inputs.begin(), inputs.end());
  for (const fs::path& input : inputs) {
    std::ifstream file(input, std::ios::binary);
    if (!file) {
      std::cerr << input.string() << ": cannot open\n";
      return 2;
    }
    // An exact-size heap copy, as libFuzzer passes inputs: a read past the end is caught.
    const std::vector<char> bytes{std::istreambuf_iterator<char>(file), {}};
    auto* copy = new std::uint8_t[bytes.size()];
    std::copy(bytes.begin(), bytes.end(), copy);
    LLVMFuzzerTestOneInput(copy, bytes.size());
    delete[] copy;
  }
  if (inputs.empty()) {
    std::cerr << "no inputs: a replay of nothing tests nothing\n";
    return 2;
  }
  std::cout << "replayed " << inputs.size() << " inputs\n";
  return 0;
}
