// LineFramer: splits a byte stream into newline-terminated lines (hub-protocol.md §1.3).
// Pure: no I/O, no allocation beyond the partial-line buffer; fuzzed by
// tests/fuzz/line_framer_fuzz.cc.
//
// Rules: "\n" ends a line; one trailing "\r" is removed; empty lines are skipped; a
// line longer than max_line_bytes (terminator excluded) puts the framer into the
// overflow state, after which it yields nothing (the connection is to be closed).
// Not thread-safe: one framer per connection.
#ifndef KRYPTON_NET_LINE_FRAMER_H_
#define KRYPTON_NET_LINE_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace krypton::net {

class LineFramer {
 public:
  explicit LineFramer(size_t max_line_bytes)
      : max_(max_line_bytes > UINT32_MAX - 1 ? UINT32_MAX - 1
                                             : static_cast<uint32_t>(max_line_bytes)) {}

  // Feeds `data`, calling on_line(std::string_view) for each complete line (the view
  // is valid during the call only). Returns false once a line has overflowed.
  template <typename OnLine>
  bool Feed(std::string_view data, OnLine&& on_line) {
    if (overflow_) return false;
    while (!data.empty()) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        if (partial_.size() + data.size() > max_ + 1) return Overflow();  // +1: a pending '\r'
        partial_.append(data);
        return true;
      }
      std::string_view line;
      if (partial_.empty()) {
        line = data.substr(0, nl);
      } else {
        partial_.append(data.substr(0, nl));
        line = partial_;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > max_) return Overflow();
      if (!line.empty()) on_line(line);
      // A line that spanned reads is rare; its buffer is not kept (idle sessions stay small).
      if (!partial_.empty()) std::string().swap(partial_);
      data.remove_prefix(nl + 1);
    }
    return true;
  }

  bool overflow() const { return overflow_; }
  // Bytes of an unterminated line held so far.
  size_t buffered() const { return partial_.size(); }

 private:
  bool Overflow() {
    overflow_ = true;
    partial_.clear();
    partial_.shrink_to_fit();
    return false;
  }

  std::string partial_;
  const uint32_t max_;
  bool overflow_ = false;
};

}  // namespace krypton::net

#endif  // KRYPTON_NET_LINE_FRAMER_H_
