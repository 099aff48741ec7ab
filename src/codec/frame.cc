// 48 frames: hex, structure, checksum, template encode/decode (templates-and-frames.md
// §3–§5, §8).
#include "codec/frame.h"

#include <algorithm>
#include <cmath>

namespace krypton::codec {
namespace {

constexpr size_t kAppTidBytes = 64;

// Hex digit values; 0xFF = not a hex digit.
constexpr std::array<uint8_t, 256> MakeHexTable() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = 0xFF;
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<uint8_t>(10 + i);
    t['A' + i] = static_cast<uint8_t>(10 + i);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kHex = MakeHexTable();

Status RawInvalid(std::string detail) {
  return Status(Code::kHubRawInvalid).WithDetail(std::move(detail));
}
Status FrameParse(std::string detail) {
  return Status(Code::kHubFrameParse).WithDetail(std::move(detail));
}
Status NotA48Product() {
  return Status(Code::kEntProductTypeNot48).WithDetail("a JSON_CTRL product has no 48 frames");
}

// Where a command's cmdId and data sit in the template's layout.
struct Layout {
  size_t cmd_at;  // offset of the cmdId byte
  size_t fixed;   // bytes that are not field data (header … cmdId, checksum)
};

Layout LayoutOf(WorkMode mode, uint8_t frame_type) {
  if (mode != WorkMode::kTransparent48) return {4, 6};
  if (frame_type == kFrameWithAppTid) return {6 + kAppTidBytes, 8 + kAppTidBytes};
  return {6, 8};
}

// The range of a NUMBER of `len` bytes: [−2^(8·len−1), 2^(8·len) − 1].
bool FitsBytes(const Number& n, int len, int* sign) {
  *sign = 0;
  if (const auto* i = std::get_if<int64_t>(&n)) {
    if (*i < 0) {
      if (len >= 8) return true;
      *sign = -1;
      return *i >= -(int64_t{1} << (8 * len - 1));
    }
    if (len >= 8) return true;
    *sign = 1;
    return static_cast<uint64_t>(*i) < (uint64_t{1} << (8 * len));
  }
  if (const auto* u = std::get_if<uint64_t>(&n)) {
    *sign = 1;
    return len >= 8 || *u < (uint64_t{1} << (8 * len));
  }
  *sign = std::get<double>(n) < 0 ? -1 : 1;  // an integral double beyond 64 bits
  return false;
}

bool IsIntegral(const Number& n) {
  const double* d = std::get_if<double>(&n);
  return d == nullptr || (std::isfinite(*d) && std::trunc(*d) == *d);
}

// An integral double as int64_t or uint64_t when it is in their range.
Number Integral(const Number& n) {
  const double* d = std::get_if<double>(&n);
  if (d == nullptr) return n;
  if (*d >= -9223372036854775808.0 && *d < 9223372036854775808.0) {
    return static_cast<int64_t>(*d);
  }
  if (*d >= 0 && *d < 18446744073709551616.0) return static_cast<uint64_t>(*d);
  return n;
}

uint64_t Bits(const Number& n) {
  if (const auto* i = std::get_if<int64_t>(&n)) return static_cast<uint64_t>(*i);
  return std::get<uint64_t>(n);
}

}  // namespace

bool Frame::checksum_ok() const {
  return size > 0 && bytes[size - 1] == Checksum(bytes.data(), size);
}

uint8_t Checksum(const uint8_t* bytes, size_t len) {
  unsigned s = 0;
  for (size_t i = 0; i + 1 < len; ++i) s += bytes[i];
  return static_cast<uint8_t>(s & 0xFF);
}

std::string ToHex(const uint8_t* bytes, size_t len) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out(len * 2, '0');
  for (size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0F];
  }
  return out;
}

Result<Frame> ParseFrame(std::string_view hex) {
  if (hex.empty()) return RawInvalid("raw is empty");
  if (hex.size() % 2 != 0) return RawInvalid("raw has an odd number of hex digits");
  // Every digit is checked before the size, so non-hex wins over "too long" (§5 step 1).
  uint8_t bad = 0;
  for (char c : hex) bad |= kHex[static_cast<uint8_t>(c)] & 0xF0;
  if (bad != 0) return RawInvalid("raw is not hex");
  size_t n = hex.size() / 2;
  if (n < kMinFrameBytes) return FrameParse("a 48 frame has at least 6 bytes");
  if (n > kMaxFrameBytes) return FrameParse("a 48 frame has at most 254 bytes");
  Frame f;
  f.size = n;
  for (size_t i = 0; i < n; ++i) {
    f.bytes[i] = static_cast<uint8_t>(kHex[static_cast<uint8_t>(hex[2 * i])] << 4 |
                                      kHex[static_cast<uint8_t>(hex[2 * i + 1])]);
  }
  if (f.bytes[0] != kFrameHeader) return FrameParse("the header byte is not 0x48");
  if (static_cast<size_t>(f.bytes[1]) != n) {
    return FrameParse("the length byte says " + std::to_string(f.bytes[1]) + ", the frame has " +
                      std::to_string(n) + " bytes");
  }
  return f;
}

std::string BuildFrame(uint8_t type, uint8_t number, const uint8_t* payload, size_t size) {
  std::array<uint8_t, kMaxFrameBytes> b{};
  size = std::min(size, kMaxFrameBytes - 5);
  size_t len = 5 + size;
  b[0] = kFrameHeader;
  b[1] = static_cast<uint8_t>(len);
  b[2] = type;
  b[3] = number;
  for (size_t i = 0; i < size; ++i) b[4 + i] = payload[i];
  b[len - 1] = Checksum(b.data(), len);
  return ToHex(b.data(), len);
}

KeyValues ToKeyValues(const DecodedFrame& d) {
  KeyValues kv;
  if (d.command == nullptr) return kv;
  kv.reserve(d.values.size());
  for (size_t i = 0; i < d.values.size(); ++i)
    kv.emplace_back(d.command->fields[i].name, d.values[i]);
  return kv;
}

Result<DecodedFrame> DecodeFrame(const Template& t, std::string_view hex,
                                 const DecodeOptions& options) {
  Result<Frame> f = ParseFrame(hex);
  if (!f.ok()) return f.status();
  return DecodeFrame(t, *f, options);
}

Result<DecodedFrame> DecodeFrame(const Template& t, const Frame& f, const DecodeOptions& options) {
  if (!Is48(t.mode())) return NotA48Product();
  DecodedFrame d;
  d.frame_type = f.type();
  d.checksum_ok = f.checksum_ok();
  Layout layout = LayoutOf(t.mode(), d.frame_type);
  if (f.size < layout.fixed) {
    return FrameParse("a TRANSPARENT48 frame of this type has at least " +
                      std::to_string(layout.fixed) + " bytes");
  }
  if (options.verify_checksum && !d.checksum_ok) {
    return Status(Code::kHubFramePayload)
        .WithDetail("checksum " + ToHex(&f.bytes[f.size - 1], 1) + ", expected " +
                    ToHex(std::array<uint8_t, 1>{Checksum(f.bytes.data(), f.size)}.data(), 1));
  }
  d.msg_id =
      t.mode() == WorkMode::kTransparent48 ? (uint32_t{f.bytes[4]} << 8 | f.bytes[5]) : f.bytes[3];
  uint8_t cmd_id = f.bytes[layout.cmd_at];
  d.command = t.FindById(cmd_id);
  if (d.command == nullptr) {
    std::string detail = "cmdId " + std::to_string(cmd_id) + " is not in the template";
    if (options.direction == Direction::kAppToDevice) {
      return Status(Code::kHubNoSuchInstruction).WithDetail(std::move(detail));
    }
    return RawInvalid(std::move(detail));
  }
  size_t data_len = f.size - layout.fixed;
  if (data_len != static_cast<size_t>(d.command->data_length)) {
    return RawInvalid("cmdId " + std::to_string(cmd_id) + " carries " +
                      std::to_string(d.command->data_length) + " data bytes, the frame " +
                      std::to_string(data_len));
  }
  const uint8_t* p = &f.bytes[layout.cmd_at + 1];
  d.values.reserve(d.command->fields.size());
  for (const Field& field : d.command->fields) {
    if (field.type == DataType::kString) {
      std::string s;
      s.reserve(static_cast<size_t>(field.length));
      for (int i = 0; i < field.length; ++i) {
        if (p[i] != 0) s.push_back(static_cast<char>(p[i]));
      }
      d.values.emplace_back(std::move(s));
    } else {
      uint64_t v = 0;
      for (int i = 0; i < field.length; ++i) v = v << 8 | p[i];
      d.values.push_back(UnsignedValue(v));
    }
    p += field.length;
  }
  return d;
}

Status CheckValue(const Field& field, const Value& value) {
  if (field.type == DataType::kString) {
    const std::string* s = std::get_if<std::string>(&value);
    if (s == nullptr) {
      return Status(Code::kHubInvalidParam).WithDetail(field.name + " must be a string");
    }
    if (field.length > 0 && s->size() > static_cast<size_t>(field.length)) {
      return Status(Code::kHubValueTooHigh, field.name)
          .WithDetail(std::to_string(s->size()) + " bytes, dataLength " +
                      std::to_string(field.length));
    }
    return Status::Ok();
  }
  Number n;
  if (!AsNumber(value, &n)) {
    return Status(Code::kHubInvalidParam).WithDetail(field.name + " must be a number");
  }
  if (field.type != DataType::kFloat && !IsIntegral(n)) {
    return Status(Code::kHubInvalidParam).WithDetail(field.name + " must be an integer");
  }
  if (field.max && CompareNumbers(n, *field.max) > 0) {
    return Status(Code::kHubValueTooHigh, field.name);
  }
  if (field.min && CompareNumbers(n, *field.min) < 0) {
    return Status(Code::kHubValueTooLow, field.name);
  }
  if (!field.enumeration.empty()) {
    bool found = false;
    for (const Number& e : field.enumeration) found = found || CompareNumbers(n, e) == 0;
    if (!found) return Status(Code::kHubValueNotEnumerated, field.name);
  }
  if (field.type == DataType::kNumber) {
    int sign = 0;
    if (!FitsBytes(Integral(n), field.length, &sign)) {
      std::string detail = "does not fit " + std::to_string(field.length) + " bytes";
      if (sign < 0) return Status(Code::kHubValueTooLow, field.name).WithDetail(detail);
      return Status(Code::kHubValueTooHigh, field.name).WithDetail(detail);
    }
  }
  return Status::Ok();
}

Result<std::string> EncodeFrame(const Template& t, const Command& command, const KeyValues& values,
                                uint32_t msg_id) {
  if (!Is48(t.mode())) return NotA48Product();
  std::array<uint8_t, kMaxFrameBytes> b{};
  auto frame_type = static_cast<uint8_t>(command.frame_type);
  Layout layout = LayoutOf(t.mode(), frame_type);
  size_t len = layout.fixed + static_cast<size_t>(command.data_length);  // ≤ 254 (ParseTemplate)
  b[0] = kFrameHeader;
  b[1] = static_cast<uint8_t>(len);
  b[2] = frame_type;
  if (t.mode() == WorkMode::kTransparent48) {
    b[3] = 0;
    b[4] = static_cast<uint8_t>(msg_id >> 8);
    b[5] = static_cast<uint8_t>(msg_id);
  } else {
    b[3] = static_cast<uint8_t>(msg_id);
  }
  b[layout.cmd_at] = static_cast<uint8_t>(command.id);
  uint8_t* p = &b[layout.cmd_at + 1];
  for (size_t i = 0; i < command.fields.size(); ++i) {
    const Field& field = command.fields[i];
    // Values usually come in template order (CheckKv, ToKeyValues): try index i first.
    const Value* v = i < values.size() && values[i].first == field.name
                         ? &values[i].second
                         : FindValue(values, field.name);
    if (v == nullptr) {
      return Status(Code::kHubInvalidParam).WithDetail(field.name + " is missing");
    }
    KRYPTON_RETURN_IF_ERROR(CheckValue(field, *v));
    if (field.type == DataType::kString) {
      const std::string& s = std::get<std::string>(*v);
      std::copy(s.begin(), s.end(), p);  // the rest stays 0x00: right padding
    } else {
      Number n;
      AsNumber(*v, &n);
      uint64_t bits = Bits(Integral(n));
      for (int k = 0; k < field.length; ++k) {
        p[k] = static_cast<uint8_t>(bits >> (8 * (field.length - 1 - k)));
      }
    }
    p += field.length;
  }
  b[len - 1] = Checksum(b.data(), len);
  return ToHex(b.data(), len);
}

}  // namespace krypton::codec
