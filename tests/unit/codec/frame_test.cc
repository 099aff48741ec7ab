// The 48 frame: every golden vector of templates-and-frames.md §9.1–§9.4 and §9.6,
// hex and checksum exact.
#include "codec/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_templates.h"

namespace krypton::codec {
namespace {

using testing::Demo48As;
using testing::kDemo48;
using testing::MustParse;

std::string Build(uint8_t type, uint8_t number, std::vector<uint8_t> payload) {
  return BuildFrame(type, number, payload.data(), payload.size());
}

std::string Encode(const Template& t, int cmd_id, const KeyValues& kv, uint32_t msg_id) {
  const Command* c = t.FindById(cmd_id);
  if (c == nullptr) return "no command";
  Result<std::string> hex = EncodeFrame(t, *c, kv, msg_id);
  return hex.ok() ? *hex : hex.status().ToString();
}

Code CodeOf(const Status& s) { return s.code(); }

// §9.1: every classic vector parses, has a good checksum, and is rebuilt byte for byte
// from its type, number and payload (hex out in upper case).
TEST(FrameTest, ClassicVectorsRebuildExactly) {
  const char* vectors[] = {
      "480602010051", "48070201010154", "48070201010053", "480E02010201000000000000005C",
      "480602350a8f",
      "484301010B001FC9000000000000096800000000000000000000000000000000004C93004C9300000000000003E8"
      "03E80000000013870000510F0000510F00000000DF",
      "4811012301010001020001FA000001007E", "4810010A010000000000009B726D00DE", "48070200010153",
      // §9.2–§9.4
      "480602000050", "48070205020159", "48070206020059", "48070107010159", "48070107010058",
      "480C022C0361620000012C75", "48090200123402019C", "4807FE0001004E", "480BFE000101010105005A",
      "4807FF05020055"};
  for (std::string hex : vectors) {
    Result<Frame> f = ParseFrame(hex);
    ASSERT_TRUE(f.ok()) << hex << " " << f.status().ToString();
    EXPECT_TRUE(f->checksum_ok()) << hex;
    EXPECT_EQ(f->bytes[f->size - 1], Checksum(f->bytes.data(), f->size)) << hex;
    for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(ToHex(f->bytes.data(), f->size), hex);
    EXPECT_EQ(BuildFrame(f->type(), f->number(), &f->bytes[4], f->size - 5), hex);
  }
}

TEST(FrameTest, ChecksumReference) {
  // V1: 0x48+0x06+0x02+0x01+0x00 = 0x51; V4: … = 0x5C; U1: 0x14E → 0x4E.
  EXPECT_EQ(Build(0x02, 0x01, {0x00}), "480602010051");
  // V4's hex is 14 bytes (8 data bytes: 01 and seven 00), as its length byte 0x0E says.
  EXPECT_EQ(Build(0x02, 0x01, {0x02, 0x01, 0, 0, 0, 0, 0, 0, 0}), "480E02010201000000000000005C");
  EXPECT_EQ(Build(0x02, 0x35, {0x0A}), "480602350A8F");          // V5, emitted in upper case
  EXPECT_EQ(Build(0x02, 0x00, {0x01, 0x01}), "48070200010153");  // V10
}

// §9.1 V8: the KKT hood's fan speed command, 48 07 02 <no> 04 <0..4> <sum>.
TEST(FrameTest, KktFanSpeedPattern) {
  Template t = MustParse(
      R"({"workModeType":"JSON_TRANSPARENT","protocol":{"4":{"cmdId":4,"cmdTag":"setSpeed",)"
      R"("frameType":2,"fields":[{"name":"speed","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":4}]}}})");
  for (int speed = 0; speed <= 4; ++speed) {
    std::string hex = Encode(t, 4, {{"speed", int64_t{speed}}}, 0x21);
    unsigned sum = 0x48 + 0x07 + 0x02 + 0x21 + 0x04 + speed;
    char expected[32];
    std::snprintf(expected, sizeof expected, "4807022104%02X%02X", speed, sum & 0xFF);
    EXPECT_EQ(hex, expected);
  }
  EXPECT_EQ(Encode(t, 4, {{"speed", int64_t{5}}}, 0),
            "1400003 The field speed contains a value that is too high");
}

// §9.1 V6: the real power-meter report decodes field by field with hekrapi's command 11.
TEST(FrameTest, PowerMeterReport) {
  std::string fields;
  const std::pair<const char*, int> layout[] = {{"I1", 3},
                                                {"I2", 3},
                                                {"I3", 3},
                                                {"U1", 2},
                                                {"U2", 2},
                                                {"U3", 2},
                                                {"total_Reactive_Power", 3},
                                                {"reactive_Power1", 3},
                                                {"reactive_Power2", 3},
                                                {"reactive_Power3", 3},
                                                {"total_Active_Power", 3},
                                                {"active_Power1", 3},
                                                {"active_Power2", 3},
                                                {"active_Power3", 3},
                                                {"total_Constant", 2},
                                                {"constant1", 2},
                                                {"constant2", 2},
                                                {"constant3", 2},
                                                {"rate", 2},
                                                {"total_Energy", 4},
                                                {"import_Active_Energy", 4},
                                                {"export_Active_Energy", 4}};
  for (auto [name, len] : layout) {
    fields += (fields.empty() ? "" : ",") + std::string(R"({"name":")") + name +
              R"(","dataType":"NUMBER","dataLength":)" + std::to_string(len) + "}";
  }
  Template t = MustParse(R"({"workModeType":"JSON_TRANSPARENT","protocol":{)"
                         R"("10":{"cmdId":10,"cmdTag":"queryData","frameType":2},)"
                         R"("11":{"cmdId":11,"cmdTag":"reportData","frameType":1,"fields":[)" +
                         fields + "]}}}");
  Result<DecodedFrame> d = DecodeFrame(
      t,
      "484301010B001FC9000000000000096800000000000000000000000000000000004C93004C930000000000"
      "0003E803E80000000013870000510F0000510F00000000DF");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->command->tag, "reportData");
  EXPECT_EQ(d->frame_type, kFrameReport);
  EXPECT_EQ(d->msg_id, 1u);
  KeyValues kv = ToKeyValues(*d);
  EXPECT_EQ(*FindValue(kv, "I1"), Value(int64_t{0x1FC9}));                  // 8.137 A
  EXPECT_EQ(*FindValue(kv, "U1"), Value(int64_t{0x0968}));                  // 240.8 V
  EXPECT_EQ(*FindValue(kv, "total_Active_Power"), Value(int64_t{0x4C93}));  // 1.9603 kW
  EXPECT_EQ(*FindValue(kv, "total_Constant"), Value(int64_t{1000}));        // power factor 1.000
  EXPECT_EQ(*FindValue(kv, "rate"), Value(int64_t{4999}));                  // 49.99 Hz
  EXPECT_EQ(*FindValue(kv, "total_Energy"), Value(int64_t{0x510F}));        // 207.51 kWh
  // V5, lower case on the wire: the query of the same meter.
  Result<DecodedFrame> q = DecodeFrame(t, "480602350a8f", {Direction::kAppToDevice, true});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->command->tag, "queryData");
  EXPECT_EQ(q->msg_id, 0x35u);
}

// §9.1 V7: KKT hood status, light at byte offset 6 and fan speed at offset 7.
TEST(FrameTest, KktHoodStatus) {
  Template t = MustParse(
      R"({"workModeType":"JSON_TRANSPARENT","protocol":{"1":{"cmdId":1,"cmdTag":"status","frameType":1,"fields":[)"
      R"({"name":"b5","dataType":"NUMBER","dataLength":1},{"name":"light","dataType":"NUMBER","dataLength":1},)"
      R"({"name":"speed","dataType":"NUMBER","dataLength":1},{"name":"rest","dataType":"NUMBER","dataLength":8}]}}})");
  Result<DecodedFrame> d = DecodeFrame(t, "4811012301010001020001FA000001007E");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->msg_id, 0x23u);
  EXPECT_EQ(d->values[1], Value(int64_t{0}));
  EXPECT_EQ(d->values[2], Value(int64_t{1}));
  EXPECT_EQ(d->values[3], Value(int64_t{0x020001FA00000100}));
}

// §9.2 S1–S7: the demo socket as a 48 product, encoded and decoded exactly.
TEST(FrameTest, DemoSocketAs48) {
  for (std::string_view mode :
       {"TRANSPARENT48_V2", "JSON_TRANSPARENT", "JSON_TRANSPARENT_NOT_CHECK_RAW"}) {
    Template t = MustParse(Demo48As(mode));
    EXPECT_EQ(Encode(t, 0, {}, 0), "480602000050") << mode;                         // S1
    EXPECT_EQ(Encode(t, 2, {{"power", int64_t{1}}}, 5), "48070205020159") << mode;  // S2
    EXPECT_EQ(Encode(t, 2, {{"power", int64_t{0}}}, 6), "48070206020059") << mode;  // S3
    EXPECT_EQ(Encode(t, 1, {{"power", int64_t{1}}}, 7), "48070107010159") << mode;  // S4
    EXPECT_EQ(Encode(t, 1, {{"power", int64_t{0}}}, 7), "48070107010058") << mode;  // S5
    EXPECT_EQ(Encode(t, 3, {{"label", std::string("ab")}, {"limitW", int64_t{300}}}, 300),
              "480C022C0361620000012C75")
        << mode;  // S6
  }
  Template t = MustParse(kDemo48);
  Result<DecodedFrame> d = DecodeFrame(t, "48070107010159");  // S7
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->command->id, 1);
  EXPECT_EQ(d->command->tag, "reportDevStatus");
  EXPECT_EQ(d->msg_id, 7u);
  EXPECT_EQ(ToKeyValues(*d), (KeyValues{{"power", int64_t{1}}}));
  Result<DecodedFrame> s6 =
      DecodeFrame(t, "480c022c0361620000012c75", {Direction::kAppToDevice, true});
  ASSERT_TRUE(s6.ok());
  EXPECT_EQ(ToKeyValues(*s6), (KeyValues{{"label", std::string("ab")}, {"limitW", int64_t{300}}}));
  EXPECT_EQ(s6->msg_id, 0x2Cu);
}

// §9.3 T1: the legacy TRANSPARENT48 layout, 16-bit msgId.
TEST(FrameTest, Transparent48Legacy) {
  Template t = MustParse(Demo48As("TRANSPARENT48"));
  EXPECT_EQ(Encode(t, 2, {{"power", int64_t{1}}}, 0x1234), "48090200123402019C");
  Result<DecodedFrame> d = DecodeFrame(t, "48090200123402019C");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->command->id, 2);
  EXPECT_EQ(d->msg_id, 0x1234u);
  EXPECT_EQ(d->values, std::vector<Value>{int64_t{1}});
  EXPECT_EQ(Encode(t, 0, {}, 0), "4808020000000052");
  // Too short for the legacy layout: 7 bytes.
  EXPECT_EQ(DecodeFrame(t, "48070200000051").status().code(), Code::kHubFrameParse);
  // frameType 7 carries a 64-byte appTid block (zeros) before the cmdId.
  Template t7 = MustParse(
      R"({"workModeType":"TRANSPARENT48","protocol":{"2":{"cmdId":2,"cmdTag":"set","frameType":7,)"
      R"("fields":[{"name":"power","dataType":"NUMBER","dataLength":1}]}}})");
  std::string hex = Encode(t7, 2, {{"power", int64_t{1}}}, 0x0102);
  ASSERT_EQ(hex.size(), 2u * 73);
  EXPECT_EQ(hex.substr(0, 12), "484907000102");
  EXPECT_EQ(hex.substr(12, 128), std::string(128, '0'));
  EXPECT_EQ(hex.substr(140, 4), "0201");
  Result<DecodedFrame> d7 = DecodeFrame(t7, hex);
  ASSERT_TRUE(d7.ok()) << d7.status().ToString();
  EXPECT_EQ(d7->values, std::vector<Value>{int64_t{1}});
  EXPECT_EQ(d7->msg_id, 0x0102u);
}

// §9.4: UART-only frames (0xFE module operation, 0xFF error) for a simulated device.
TEST(FrameTest, UartFrames) {
  EXPECT_EQ(Build(kFrameModule, 0, {0x01, 0x00}), "4807FE0001004E");  // U1
  EXPECT_EQ(Build(kFrameModule, 0, {0x01, 0x01, 0x01, 0x01, 0x05, 0x00}),
            "480BFE000101010105005A");                               // U2
  EXPECT_EQ(Build(kFrameError, 5, {0x02, 0x00}), "4807FF05020055");  // U3
  Result<Frame> f = ParseFrame("4807FF05020055");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->type(), kFrameError);
  EXPECT_EQ(f->number(), 5);
}

// §5 steps 1–2 and §9.5 N4–N7: hex (1400025) before framing (1400014).
TEST(FrameTest, StructureErrors) {
  EXPECT_EQ(CodeOf(ParseFrame("").status()), Code::kHubRawInvalid);
  EXPECT_EQ(CodeOf(ParseFrame("4807020101015").status()), Code::kHubRawInvalid);   // N4 odd
  EXPECT_EQ(CodeOf(ParseFrame("48080201010154").status()), Code::kHubFrameParse);  // N5 length
  EXPECT_EQ(CodeOf(ParseFrame("4807020101XX54").status()), Code::kHubRawInvalid);  // N6 non-hex
  EXPECT_EQ(CodeOf(ParseFrame("470602010050").status()), Code::kHubFrameParse);    // N7 header
  EXPECT_EQ(CodeOf(ParseFrame("4805020100").status()), Code::kHubFrameParse);      // 5 bytes
  EXPECT_EQ(CodeOf(ParseFrame(std::string(510, '0')).status()), Code::kHubFrameParse);  // 255 bytes
  EXPECT_EQ(CodeOf(ParseFrame(std::string(510, '0') + "g0").status()), Code::kHubRawInvalid);
  EXPECT_EQ(ParseFrame("48080201010154").status().detail(),
            "the length byte says 8, the frame has 7 bytes");
}

// §5 steps 3–5 with their codes.
TEST(FrameTest, DecodeErrors) {
  Template t = MustParse(kDemo48);
  Status bad_sum = DecodeFrame(t, "48070107010158").status();  // N12
  EXPECT_EQ(bad_sum.code(), Code::kHubFramePayload);
  EXPECT_EQ(bad_sum.Message(), "frame payload error");
  EXPECT_EQ(bad_sum.detail(), "checksum 58, expected 59");
  Result<DecodedFrame> tolerated =
      DecodeFrame(t, "48070107010158", {Direction::kDeviceToApp, false});
  ASSERT_TRUE(tolerated.ok());
  EXPECT_FALSE(tolerated->checksum_ok);
  // N13: cmdId 9 — 1400025 from a device, 1400011 from an app.
  EXPECT_EQ(DecodeFrame(t, "48060107095F").status().code(), Code::kHubRawInvalid);
  EXPECT_EQ(DecodeFrame(t, "48060107095F", {Direction::kAppToDevice, true}).status().code(),
            Code::kHubNoSuchInstruction);
  // Data length ≠ Σ dataLength: cmdId 2 with two data bytes, and with none.
  Status len = DecodeFrame(t, "480802050201005A").status();
  EXPECT_EQ(len.code(), Code::kHubRawInvalid);
  EXPECT_EQ(len.detail(), "cmdId 2 carries 1 data bytes, the frame 2");
  EXPECT_EQ(DecodeFrame(t, "480602050257").status().code(), Code::kHubRawInvalid);
  // A JSON_CTRL template has no frames.
  EXPECT_EQ(DecodeFrame(MustParse(testing::kDemoCtrl), "48070107010159").status().code(),
            Code::kEntProductTypeNot48);
}

// §5 step 6: strings lose every 0x00, so right- and left-padding both decode.
TEST(FrameTest, StringPadding) {
  Template t = MustParse(kDemo48);
  std::vector<uint8_t> left = {0x03, 0x00, 0x00, 0x61, 0x62, 0x00, 0x01};
  std::string hex = Build(kFrameCommand, 1, left);
  Result<DecodedFrame> d = DecodeFrame(t, hex, {Direction::kAppToDevice, true});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->values[0], Value(std::string("ab")));
  EXPECT_EQ(d->values[1], Value(int64_t{1}));
  // UTF-8 counts in bytes: "氪" is 3 bytes and fits 4; "氪氪" does not.
  EXPECT_EQ(Encode(t, 3, {{"label", std::string("氪")}, {"limitW", int64_t{0}}}, 0).substr(10, 8),
            "E6B0AA00");
  EXPECT_EQ(Encode(t, 3, {{"label", std::string("氪氪")}, {"limitW", int64_t{0}}}, 0),
            "1400003 The field label contains a value that is too high [6 bytes, dataLength 4]");
}

TEST(FrameTest, EncodeChecksValues) {
  Template t = MustParse(kDemo48);
  EXPECT_EQ(Encode(t, 2, {{"power", int64_t{2}}}, 0),
            "1400003 The field power contains a value that is too high");  // N1
  EXPECT_EQ(Encode(t, 3, {{"label", std::string("")}, {"limitW", int64_t{-1}}}, 0),
            "1400004 The field limitW contains a value that is too low");
  EXPECT_EQ(Encode(t, 2, {}, 0), "1400032 Invalid Param [power is missing]");
  EXPECT_EQ(Encode(t, 2, {{"power", std::string("1")}}, 0),
            "1400032 Invalid Param [power must be a number]");
  EXPECT_EQ(Encode(t, 2, {{"power", 0.5}}, 0), "1400032 Invalid Param [power must be an integer]");
  EXPECT_EQ(Encode(t, 2, {{"power", 1.0}}, 5), "48070205020159");
  EXPECT_EQ(Encode(t, 3, {{"label", int64_t{1}}, {"limitW", int64_t{1}}}, 0),
            "1400032 Invalid Param [label must be a string]");
  // Keys that are not fields are ignored by the encoder (the check mode decides on them).
  EXPECT_EQ(Encode(t, 2, {{"msgId", int64_t{7}}, {"power", int64_t{1}}}, 5), "48070205020159");
  Template ctrl = MustParse(testing::kDemoCtrl);
  EXPECT_EQ(Encode(ctrl, 2, {{"power", int64_t{1}}}, 0),
            "8400028 Product type error, only 48 products are supported [a JSON_CTRL product has "
            "no 48 frames]");
}

TEST(FrameTest, Enumeration) {
  Template t = MustParse(
      R"({"workModeType":"JSON_TRANSPARENT","protocol":{"5":{"cmdId":5,"cmdTag":"mode","frameType":2,"fields":[)"
      R"({"name":"mode","dataType":"NUMBER","dataLength":1,"enumeration":[{"value":1},{"value":3}]}]}}})");
  EXPECT_EQ(Encode(t, 5, {{"mode", int64_t{3}}}, 0), "48070200050359");
  EXPECT_EQ(Encode(t, 5, {{"mode", int64_t{2}}}, 0),
            "1400005 The value of the field mode must be an enumerated value");
}

// §9.6 Q1, Q2: 64-bit arithmetic (no shift-mod-32), negatives in two's complement.
TEST(FrameTest, SdkwebQuirksAreNotCopied) {
  Template t = MustParse(
      R"({"workModeType":"JSON_TRANSPARENT","protocol":{"9":{"cmdId":9,"cmdTag":"q","frameType":2,"fields":[)"
      R"({"name":"big","dataType":"NUMBER","dataLength":6},{"name":"neg","dataType":"NUMBER","dataLength":2},)"
      R"({"name":"floor","dataType":"NUMBER","dataLength":2,"minValue":0}]}}})");
  std::string hex = Encode(
      t, 9, {{"big", int64_t{0x123456789A}}, {"neg", int64_t{-2}}, {"floor", int64_t{0}}}, 0);
  EXPECT_EQ(hex.substr(10, 12), "00123456789A");  // Q1 (SDKWEB: 789A3456789A)
  EXPECT_EQ(hex.substr(22, 4), "FFFE");           // Q2 without minValue
  Result<DecodedFrame> d = DecodeFrame(t, hex, {Direction::kAppToDevice, true});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->values[0], Value(int64_t{0x123456789A}));
  EXPECT_EQ(d->values[1], Value(int64_t{65534}));  // unsigned on the way back
  EXPECT_EQ(Encode(t, 9, {{"big", int64_t{0}}, {"neg", int64_t{0}}, {"floor", int64_t{-2}}}, 0),
            "1400004 The field floor contains a value that is too low");  // Q2 with minValue 0
  // Beyond dataLength bytes: too high / too low, never silently truncated.
  EXPECT_EQ(
      Encode(t, 9, {{"big", int64_t{1} << 48}, {"neg", int64_t{0}}, {"floor", int64_t{0}}}, 0),
      "1400003 The field big contains a value that is too high [does not fit 6 bytes]");
  EXPECT_EQ(Encode(t, 9, {{"big", int64_t{0}}, {"neg", int64_t{-32769}}, {"floor", int64_t{0}}}, 0),
            "1400004 The field neg contains a value that is too low [does not fit 2 bytes]");
}

TEST(FrameTest, EightByteNumbers) {
  Template t = MustParse(
      R"({"workModeType":"JSON_TRANSPARENT","protocol":{"1":{"cmdId":1,"cmdTag":"r","frameType":1,"fields":[)"
      R"({"name":"n","dataType":"NUMBER","dataLength":8}]}}})");
  std::string hex = Encode(t, 1, {{"n", uint64_t{18446744073709551615u}}}, 0);
  EXPECT_EQ(hex.substr(10, 16), "FFFFFFFFFFFFFFFF");
  Result<DecodedFrame> d = DecodeFrame(t, hex);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->values[0], Value(uint64_t{18446744073709551615u}));
  EXPECT_EQ(Encode(t, 1, {{"n", int64_t{-1}}}, 0).substr(10, 16), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Encode(t, 1, {{"n", 1e20}}, 0),
            "1400003 The field n contains a value that is too high [does not fit 8 bytes]");
  EXPECT_EQ(Encode(t, 1, {{"n", -1e20}}, 0),
            "1400004 The field n contains a value that is too low [does not fit 8 bytes]");
}

TEST(ValueTest, NumbersCompareExactly) {
  EXPECT_EQ(CompareNumbers(int64_t{1}, 1.0), 0);
  EXPECT_EQ(CompareNumbers(int64_t{1}, 1.5), -1);
  EXPECT_EQ(CompareNumbers(2.5, int64_t{2}), 1);
  EXPECT_EQ(CompareNumbers(int64_t{-1}, uint64_t{0}), -1);
  EXPECT_EQ(CompareNumbers(uint64_t{18446744073709551615u}, int64_t{INT64_MAX}), 1);
  // 2^53 + 1 is not a double: an int64 above it must not compare equal to 2^53.
  EXPECT_EQ(CompareNumbers(int64_t{9007199254740993}, 9007199254740992.0), 1);
  EXPECT_EQ(CompareNumbers(uint64_t{18446744073709551615u}, 18446744073709551616.0), -1);
  EXPECT_EQ(CompareNumbers(int64_t{INT64_MIN}, -9223372036854775808.0), 0);
  EXPECT_EQ(CompareNumbers(int64_t{-3}, -2.5), -1);
  EXPECT_EQ(ValueToString(Value(std::string("a\"b"))), "\"a\\\"b\"");
  EXPECT_EQ(ValueToString(Value(uint64_t{18446744073709551615u})), "18446744073709551615");
}

}  // namespace
}  // namespace krypton::codec
