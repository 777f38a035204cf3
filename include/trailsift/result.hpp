// SPDX-License-Identifier: MIT
// Errors as values: every fallible core function returns Result<T> or Status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace trailsift {

/// What went wrong and where: the input, the record or line in it, and the byte offset.
struct Error {
  std::string path;                     ///< input path ("-" for standard input); may be empty
  std::optional<std::uint64_t> record;  ///< 1-based record number within the input
  std::optional<std::uint64_t> line;    ///< 1-based line number (line-delimited inputs)
  std::optional<std::uint64_t> offset;  ///< byte offset in the (inflated) input
  std::string message;

  /// "path: line 3: record 7: byte 812: message", leaving out what is unknown.
  std::string to_string() const;
};

/// A subset of C++23 std::expected<T, Error>: a value or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return !error_; }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

/// Shorthand for an Error with a path and a message only.
inline Error make_error(std::string path, std::string message) {
  Error error;
  error.path = std::move(path);
  error.message = std::move(message);
  return error;
}

}  // namespace trailsift
