// Status and Result<T>: errors as values.
//
// A Status is either OK or one wire error code from the generated catalogue
// (common/error_codes.h) plus the argument that fills its `{0}` placeholder and an
// optional internal detail for logs. The detail never reaches the wire; the message
// does. Handlers return a Status (or a Result<T>); each protocol turns it into its
// wire form in exactly one place (hub/error_reply.h, http/error_response.h).
//
// Status is a small value type: copy it freely. Nothing here throws, and nothing here
// is shared between threads, so no locking is involved.
#ifndef KRYPTON_COMMON_STATUS_H_
#define KRYPTON_COMMON_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/error_codes.h"

namespace krypton {

// [[nodiscard]]: dropping a Status is a compile error (-Werror); handle it or return it.
class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() noexcept = default;

  // An error with `code`; `arg` fills the message's {0} placeholder (for example
  // the field name of 1400003 "The field {0} contains a value that is too high").
  explicit Status(Code code, std::string arg = {}) : code_(code), arg_(std::move(arg)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  int32_t number() const { return static_cast<int32_t>(code_); }
  const std::string& arg() const { return arg_; }

  // Internal detail for logs ("sqlite: UNIQUE constraint failed: users.email").
  // Never sent to a client.
  const std::string& detail() const { return detail_; }
  Status WithDetail(std::string detail) && {
    detail_ = std::move(detail);
    return std::move(*this);
  }
  Status WithDetail(std::string detail) const& {
    Status copy = *this;
    copy.detail_ = std::move(detail);
    return copy;
  }

  // The English message of the catalogue with {0} filled; "success" when OK.
  std::string Message() const;
  // The Chinese meaning of the catalogue (no placeholder); empty when OK.
  std::string_view MessageZh() const;
  // "1400001 Json parse error [detail]" — for logs and test failure output.
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.arg_ == b.arg_;
  }

 private:
  Code code_ = Code::kOk;
  std::string arg_;
  std::string detail_;
};

// Fills every "{0}" of `pattern` with `arg`.
std::string FormatMessage(std::string_view pattern, std::string_view arg);

// A value or an error. E is Status by default; another status-like type (one with a
// default-constructed OK value and ok()) may be used, as storage::StoreStatus is.
// Holding an OK error is a programming error.
template <typename T, typename E = Status>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : v_(std::move(error)) {   // NOLINT(google-explicit-constructor)
    assert(!std::get<E>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The error; a default-constructed (OK) E when this holds a value.
  E status() const { return ok() ? E() : std::get<E>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<E, T> v_;
};

}  // namespace krypton

// Returns early from the enclosing function when `expr` is an error Status.
#define KRYPTON_RETURN_IF_ERROR(expr)        \
  do {                                       \
    ::krypton::Status _kr_status = (expr);   \
    if (!_kr_status.ok()) return _kr_status; \
  } while (0)

#endif  // KRYPTON_COMMON_STATUS_H_
