// Property tests over generated templates and values (seeded, reproducible):
// decode(encode(x)) == x for every 48 layout, the hub path agrees with the frame codec,
// and corrupted frames are refused with one of the documented codes, never crash.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "codec/frame.h"
#include "codec/json_internal.h"
#include "codec/template.h"

namespace krypton::codec {
namespace {

constexpr uint64_t kSeed = 20240404;
constexpr int kCases = 3000;

// Code points of 1 to 4 UTF-8 bytes (no 0x00: decoding drops every 0x00).
const char* const kGlyphs[] = {"a", "Z", "7", " ", "~", "é", "ß", "氪", "€", "😀"};

struct Generated {
  std::string json;               // the template
  std::vector<int> cmd_ids;       // in generation order
  std::vector<KeyValues> values;  // one valid K-V set per command
};

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  uint64_t Below(uint64_t n) { return n == 0 ? rng_() : rng_() % n; }
  bool Coin() { return Below(2) == 0; }

  // A random unsigned in [lo, hi], edges favoured.
  uint64_t Between(uint64_t lo, uint64_t hi) {
    switch (Below(6)) {
      case 0:
        return lo;
      case 1:
        return hi;
      default:
        return hi - lo == UINT64_MAX ? rng_() : lo + Below(hi - lo + 1);
    }
  }

  std::string Utf8(size_t max_bytes) {
    std::string s;
    size_t want = Below(max_bytes + 1);
    while (s.size() < want) {
      std::string_view g = kGlyphs[Below(std::size(kGlyphs))];
      if (s.size() + g.size() > max_bytes) break;
      s += g;
    }
    return s;
  }

  Generated MakeTemplate(std::string_view mode) {
    Generated g;
    bool legacy = mode == "TRANSPARENT48";
    internal::JsonOut w;
    w.Begin();
    w.Key("workModeType").String(mode);
    w.Key("protocol").Begin();
    int commands = 1 + static_cast<int>(Below(4));
    for (int c = 0; c < commands; ++c) {
      int id;
      do {
        id = static_cast<int>(Below(256));
      } while (std::find(g.cmd_ids.begin(), g.cmd_ids.end(), id) != g.cmd_ids.end());
      g.cmd_ids.push_back(id);
      int frame_type = legacy && Below(4) == 0 ? 7 : 1 + static_cast<int>(Below(2));
      int budget = legacy ? (frame_type == 7 ? 182 : 246) : 248;
      std::string key = std::to_string(id);
      w.Key(key).Begin();
      w.Key("cmdId").Number(int64_t{id});
      w.Key("cmdTag").String("tag" + key);
      w.Key("frameType").Number(int64_t{frame_type});
      w.Key("fields").BeginArray();
      KeyValues kv;
      int fields = static_cast<int>(Below(7));
      for (int f = 0; f < fields && budget > 0; ++f) {
        std::string name = "f" + std::to_string(f);
        bool is_string = Below(3) == 0;
        int len = std::min(budget, 1 + static_cast<int>(Below(is_string ? 16 : 8)));
        budget -= len;
        w.Begin();
        w.Key("name").String(name);
        w.Key("dataType").String(is_string ? "STRING" : "NUMBER");
        w.Key("dataLength").Number(int64_t{len});
        if (is_string) {
          kv.emplace_back(name, Utf8(static_cast<size_t>(len)));
        } else {
          uint64_t top = len == 8 ? UINT64_MAX : (uint64_t{1} << (8 * len)) - 1;
          uint64_t lo = 0, hi = top;
          if (Coin()) {
            lo = Between(0, top);
            hi = Between(lo, top);
            w.Key("minValue").Number(lo);
            w.Key("maxValue").Number(hi);
          }
          uint64_t v = Between(lo, hi);
          if (Below(4) == 0) {
            // An enumeration that contains the value.
            w.Key("enumeration").BeginArray();
            for (uint64_t e : {lo, v, hi}) w.Begin().Key("value").Number(e).End();
            w.EndArray();
          }
          kv.emplace_back(name, UnsignedValue(v));
        }
        w.End();
      }
      w.EndArray();
      w.End();
      g.values.push_back(std::move(kv));
    }
    w.End();
    w.End();
    g.json = w.Take();
    return g;
  }

 private:
  std::mt19937_64 rng_;
};

std::string KvJson(int cmd_id, const KeyValues& kv) {
  internal::JsonOut w;
  w.Begin().Key("cmdId").Number(int64_t{cmd_id});
  for (const auto& [k, v] : kv) w.Key(k).Val(v);
  return w.End().Take();
}

// A decorated field read back from JSON, as a Value.
Value ReadBack(simdjson::dom::element e) {
  if (e.is_string()) return std::string(std::string_view(e));
  if (e.is_int64()) return int64_t(e);
  return uint64_t(e);
}

TEST(CodecPropertyTest, DecodeOfEncodeIsIdentity) {
  Gen gen(kSeed);
  const std::string_view modes[] = {"JSON_TRANSPARENT", "JSON_TRANSPARENT_NOT_CHECK_RAW",
                                    "TRANSPARENT48", "TRANSPARENT48_V2"};
  int frames = 0;
  simdjson::dom::parser parser;
  for (int i = 0; i < kCases; ++i) {
    std::string_view mode = modes[gen.Below(std::size(modes))];
    Generated g = gen.MakeTemplate(mode);
    SCOPED_TRACE("case " + std::to_string(i) + ": " + g.json);
    Result<Template> t = ParseTemplate(g.json);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    for (size_t c = 0; c < g.cmd_ids.size(); ++c) {
      const Command* cmd = t->FindById(g.cmd_ids[c]);
      ASSERT_NE(cmd, nullptr);
      uint32_t msg_id = static_cast<uint32_t>(gen.Below(1 << 20));
      Result<std::string> hex = EncodeFrame(*t, *cmd, g.values[c], msg_id);
      ASSERT_TRUE(hex.ok()) << hex.status().ToString();
      Result<DecodedFrame> d = DecodeFrame(*t, *hex);
      ASSERT_TRUE(d.ok()) << *hex << " " << d.status().ToString();
      EXPECT_EQ(d->command, cmd);
      EXPECT_EQ(d->frame_type, cmd->frame_type);
      EXPECT_EQ(d->msg_id, mode == "TRANSPARENT48" ? msg_id & 0xFFFF : msg_id & 0xFF);
      EXPECT_EQ(ToKeyValues(*d), g.values[c]) << *hex;
      ++frames;
      if (mode == "TRANSPARENT48") continue;  // the hub passes those through opaquely

      // The hub path agrees: K-V → {"raw":…} is the same frame …
      std::string kv = KvJson(cmd->id, g.values[c]);
      Result<Prepared> app = PrepareAppCommand(*t, kv, CheckMode::kStrict, msg_id);
      ASSERT_TRUE(app.ok()) << kv << " " << app.status().ToString();
      EXPECT_EQ(app->data_json, "{\"raw\":\"" + *hex + "\"}");
      // … and the decorated report carries every value back.
      Result<Prepared> dev = DecorateDeviceReport(*t, app->data_json, CheckMode::kLenient);
      ASSERT_TRUE(dev.ok()) << dev.status().ToString();
      simdjson::dom::object o;
      ASSERT_EQ(parser.parse(dev->data_json).get(o), simdjson::SUCCESS) << dev->data_json;
      EXPECT_EQ(std::string_view(o["raw"]), *hex);
      EXPECT_EQ(int64_t(o["cmdId"]), cmd->id);
      EXPECT_EQ(std::string_view(o["cmdTag"]), cmd->tag);
      for (const auto& [name, value] : g.values[c]) {
        EXPECT_EQ(ReadBack(o[name]), value) << name;
      }
    }
  }
  EXPECT_GT(frames, kCases);
}

// Any single-character change of a valid frame is decoded or refused with a
// documented code; a changed checksum byte is always 1400040.
TEST(CodecPropertyTest, CorruptedFramesAreRefusedCleanly) {
  Gen gen(kSeed + 1);
  const char kHexDigits[] = "0123456789ABCDEFxg";
  for (int i = 0; i < kCases; ++i) {
    Generated g = gen.MakeTemplate(gen.Coin() ? "JSON_TRANSPARENT" : "TRANSPARENT48");
    Result<Template> t = ParseTemplate(g.json);
    ASSERT_TRUE(t.ok());
    const Command* cmd = t->FindById(g.cmd_ids[0]);
    std::string hex = *EncodeFrame(*t, *cmd, g.values[0], static_cast<uint32_t>(i));
    std::string bad = hex;
    size_t at = gen.Below(hex.size());
    bad[at] = kHexDigits[gen.Below(sizeof kHexDigits - 1)];
    if (bad == hex) continue;
    SCOPED_TRACE(g.json + " " + hex + " → " + bad);
    for (Direction dir : {Direction::kAppToDevice, Direction::kDeviceToApp}) {
      // One changed byte changes the sum by less than 256: never a valid frame.
      Result<DecodedFrame> d = DecodeFrame(*t, bad, {dir, true});
      ASSERT_FALSE(d.ok());
      Code c = d.status().code();
      EXPECT_TRUE(c == Code::kHubRawInvalid || c == Code::kHubFrameParse ||
                  c == Code::kHubFramePayload || c == Code::kHubNoSuchInstruction)
          << d.status().ToString();
      if (at >= hex.size() - 2 && bad[at] != 'x' && bad[at] != 'g') {
        EXPECT_EQ(c, Code::kHubFramePayload);
      }
    }
  }
}

}  // namespace
}  // namespace krypton::codec
