// The hub path: appSend and devSend data through the check table of
// templates-and-frames.md §6.2 (every negative vector of §9.5, both check modes) and
// the conversions of §7 (D16).
#include "codec/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "test_templates.h"

namespace krypton::codec {
namespace {

using testing::Demo48As;
using testing::kDemo48;
using testing::kDemoCtrl;
using testing::MustParse;

constexpr CheckMode kLenient = CheckMode::kLenient;
constexpr CheckMode kStrict = CheckMode::kStrict;

// The forwarded data, or "<code> <message>" of a refusal.
std::string App(const Template& t, std::string_view data, CheckMode mode, uint32_t msg_id = 0) {
  Result<Prepared> r = PrepareAppCommand(t, data, mode, msg_id);
  return r.ok() ? r->data_json : std::to_string(r.status().number()) + " " + r.status().Message();
}

std::string Dev(const Template& t, std::string_view data, CheckMode mode, bool decorate = true) {
  Result<Prepared> r = DecorateDeviceReport(t, data, mode, decorate);
  return r.ok() ? r->data_json : std::to_string(r.status().number()) + " " + r.status().Message();
}

class CodecTest : public ::testing::Test {
 protected:
  Template ctrl_ = MustParse(kDemoCtrl);
  Template v2_ = MustParse(kDemo48);
};

// §9.5, app → device, both check modes, JSON_CTRL demo and the 48 demo.
TEST_F(CodecTest, NegativeVectorsFromApps) {
  for (CheckMode m : {kLenient, kStrict}) {
    // N1
    EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":2})", m),
              "1400003 The field power contains a value that is too high");
    EXPECT_EQ(App(v2_, R"({"cmdId":2,"power":2})", m),
              "1400003 The field power contains a value that is too high");
    // N4–N7
    EXPECT_EQ(App(v2_, R"({"raw":"4807020101015"})", m),
              "1400025 RAW not valid, Please check your protocol template");
    EXPECT_EQ(App(v2_, R"({"raw":"48080201010154"})", m), "1400014 Frame parse error");
    EXPECT_EQ(App(v2_, R"({"raw":"4807020101XX54"})", m),
              "1400025 RAW not valid, Please check your protocol template");
    EXPECT_EQ(App(v2_, R"({"raw":"470602010050"})", m), "1400014 Frame parse error");
    // N8
    EXPECT_EQ(App(ctrl_, R"({"cmdId":9})", m), "1400011 The device does not have this instruction");
    EXPECT_EQ(App(v2_, R"({"cmdId":9})", m), "1400011 The device does not have this instruction");
    // N9: SDKWEB's msgId inside data is always accepted.
    EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"msgId":7,"power":1})", m),
              R"({"cmdId":2,"msgId":7,"power":1})");
    EXPECT_EQ(App(v2_, R"({"cmdId":2,"msgId":7,"power":1})", m, 7), R"({"raw":"4807020702015B"})");
  }
  // N2, N3: bad app checksums (ioBroker's 00) are forwarded unchanged when lenient.
  EXPECT_EQ(App(v2_, R"({"raw":"48070205020100"})", kLenient), R"({"raw":"48070205020100"})");
  EXPECT_EQ(App(v2_, R"({"raw":"48070205020100"})", kStrict), "1400040 frame payload error");
  EXPECT_EQ(App(v2_, R"({"raw":"48070200020100"})", kLenient), R"({"raw":"48070200020100"})");
  EXPECT_EQ(App(v2_, R"({"raw":"48070200020100"})", kStrict), "1400040 frame payload error");
  // N10: ioBroker's unknown key.
  EXPECT_EQ(App(ctrl_, R"({"cmdId":1,"command":1})", kLenient), R"({"cmdId":1,"command":1})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":1,"command":1})", kStrict), "1400006 Field not exist");
  // N11: a missing field.
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2})", kLenient), R"({"cmdId":2})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2})", kStrict), "1400032 Invalid Param");
}

// §9.5 N12–N14, device → cloud.
TEST_F(CodecTest, NegativeVectorsFromDevices) {
  for (CheckMode m : {kLenient, kStrict}) {
    EXPECT_EQ(Dev(v2_, R"({"raw":"48070107010158"})", m), "1400040 frame payload error");  // N12
    EXPECT_EQ(Dev(v2_, R"({"raw":"48060107095F"})", m),                                    // N13
              "1400025 RAW not valid, Please check your protocol template");
    EXPECT_EQ(Dev(ctrl_, R"({"cmdId":1,"power":5})", m),  // N14
              "1400003 The field power contains a value that is too high");
    EXPECT_EQ(Dev(ctrl_, R"({"cmdId":9,"power":1})", m),
              "1400025 RAW not valid, Please check your protocol template");
    EXPECT_EQ(Dev(v2_, R"({"raw":"48070107010259"})", m),  // power 2 in a report (bad sum too)
              "1400040 frame payload error");
    EXPECT_EQ(Dev(v2_, R"({"raw":"4807010701025A"})", m),
              "1400003 The field power contains a value that is too high");
    EXPECT_EQ(Dev(v2_, R"({"raw":"4808010701000059"})", m),  // two data bytes for cmdId 1
              "1400025 RAW not valid, Please check your protocol template");
    EXPECT_EQ(Dev(v2_, R"({"raw":7})", m),
              "1400025 RAW not valid, Please check your protocol template");
  }
}

// §7.1 / §9.2: the decorated push, raw first and unchanged.
TEST_F(CodecTest, DecoratedReports) {
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070107010159"})", kLenient),
            R"({"raw":"48070107010159","cmdId":1,"cmdTag":"reportDevStatus","power":1})");
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070107010159"})", kStrict),
            R"({"raw":"48070107010159","cmdId":1,"cmdTag":"reportDevStatus","power":1})");
  // Lower case stays as the device sent it; decoded fields replace keys of the same
  // name; other keys follow the fields.
  EXPECT_EQ(
      Dev(v2_, R"({"raw":"480c012c0361620000012c74","label":"zz","extra":{"a":[1]}})", kLenient),
      R"({"raw":"480c012c0361620000012c74","cmdId":3,"cmdTag":"setLabel","label":"ab",)"
      R"("limitW":300,"extra":{"a":[1]}})");
  // decorateDevSend off: checked, forwarded unchanged.
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070107010159"})", kLenient, false),
            R"({"raw":"48070107010159"})");
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070107010158"})", kLenient, false),
            "1400040 frame payload error");
  // A string that is not UTF-8 goes out undecorated.
  EXPECT_EQ(Dev(v2_, R"({"raw":"480C0100036162FF00012C47"})", kLenient),
            R"({"raw":"480C0100036162FF00012C47"})");
  // JSON_CTRL reports are never converted.
  EXPECT_EQ(Dev(ctrl_, R"({"cmdId":1,"power":1})", kLenient), R"({"cmdId":1,"power":1})");
  Result<Prepared> r = DecorateDeviceReport(v2_, R"({"raw":"48070107010159"})", kLenient);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->command, v2_.FindById(1));
}

// §7.2: K-V to a 48 product is encoded, frame number = msgId mod 256.
TEST_F(CodecTest, KeyValuesToA48ProductAreEncoded) {
  EXPECT_EQ(App(v2_, R"({"cmdId":2,"power":1})", kLenient, 5),
            R"({"raw":"48070205020159"})");  // S2
  EXPECT_EQ(App(v2_, R"({"cmdTag":"setPower","power":0})", kLenient, 6),
            R"({"raw":"48070206020059"})");
  EXPECT_EQ(App(v2_, R"({"cmdId":3,"label":"ab","limitW":300})", kStrict, 300),
            R"({"raw":"480C022C0361620000012C75"})");                           // S6
  EXPECT_EQ(App(v2_, R"({"cmdId":0})", kStrict), R"({"raw":"480602000050"})");  // S1
  // Every field is needed to build a frame, whatever the mode.
  EXPECT_EQ(App(v2_, R"({"cmdId":2})", kLenient), "1400032 Invalid Param");
  // Unknown keys: ignored when lenient, 1400006 when strict.
  EXPECT_EQ(App(v2_, R"({"cmdId":2,"power":1,"x":1})", kLenient, 5), R"({"raw":"48070205020159"})");
  EXPECT_EQ(App(v2_, R"({"cmdId":2,"power":1,"x":1})", kStrict, 5), "1400006 Field not exist");
  // LENIENT coercion is used for the encoding too.
  EXPECT_EQ(App(v2_, R"({"cmdId":"2","power":"1"})", kLenient, 5), R"({"raw":"48070205020159"})");
  EXPECT_EQ(App(v2_, R"({"cmdId":2,"power":true})", kLenient, 5), R"({"raw":"48070205020159"})");
  // NOT_CHECK_RAW encodes K-V the same way; TRANSPARENT48 forwards it opaquely.
  Template ncr = MustParse(Demo48As("JSON_TRANSPARENT_NOT_CHECK_RAW"));
  EXPECT_EQ(App(ncr, R"({"cmdId":2,"power":1})", kLenient, 5), R"({"raw":"48070205020159"})");
  Template t48 = MustParse(Demo48As("TRANSPARENT48"));
  EXPECT_EQ(App(t48, R"({"cmdId":2,"power":7})", kStrict), R"({"cmdId":2,"power":7})");
}

// §7.3: JSON_CTRL is forwarded untouched; a cmdTag-only command gets its cmdId.
TEST_F(CodecTest, JsonCtrlPassThrough) {
  EXPECT_EQ(App(ctrl_, R"({"cmdTag":"setPower","power":1})", kStrict),
            R"({"cmdId":2,"cmdTag":"setPower","power":1})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":1})", kStrict), R"({"cmdId":2,"power":1})");
  Result<Prepared> r = PrepareAppCommand(ctrl_, R"({"cmdTag":"setPower","power":1})", kLenient, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->command->tag, "setPower");
  // cmdId wins over cmdTag; an unknown cmdId falls back to the tag.
  EXPECT_EQ(App(ctrl_, R"({"cmdId":0,"cmdTag":"setPower","power":5})", kLenient),
            R"({"cmdId":0,"cmdTag":"setPower","power":5})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":99,"cmdTag":"setPower","power":5})", kLenient),
            "1400003 The field power contains a value that is too high");
  EXPECT_EQ(App(ctrl_, R"({"cmdTag":"nope"})", kLenient),
            "1400011 The device does not have this instruction");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2.0,"power":1})", kLenient), R"({"cmdId":2.0,"power":1})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2.5,"power":1})", kLenient),
            "1400011 The device does not have this instruction");
}

// §6.2 "wrong JSON type": LENIENT coerces numeric strings and booleans for the check.
TEST_F(CodecTest, WrongJsonTypes) {
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":"1"})", kLenient), R"({"cmdId":2,"power":"1"})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":true})", kLenient), R"({"cmdId":2,"power":true})");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":"2"})", kLenient),
            "1400003 The field power contains a value that is too high");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":"on"})", kLenient), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":null})", kLenient), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":"1"})", kStrict), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":true})", kStrict), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":"2","power":1})", kStrict), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,"power":0.5})", kLenient), "1400032 Invalid Param");  // INT
  EXPECT_EQ(App(ctrl_, R"({"cmdId":[2]})", kLenient), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdTag":2})", kLenient), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"([1])", kLenient), "1400032 Invalid Param");
  EXPECT_EQ(App(ctrl_, R"({"cmdId":2,)", kLenient), "1400032 Invalid Param");
  // FLOAT and STRING fields of JSON_CTRL.
  Template t = MustParse(
      R"({"workModeType":"JSON_CTRL","protocol":{"4":{"cmdId":4,"cmdTag":"set","fields":[)"
      R"({"name":"temp","dataType":"FLOAT","minValue":-10.5,"maxValue":40},)"
      R"({"name":"name","dataType":"STRING","dataLength":3},{"name":"free","dataType":"STRING"}]}}})");
  EXPECT_EQ(App(t, R"({"cmdId":4,"temp":-10.5,"name":"abc","free":"anything at all"})", kStrict),
            R"({"cmdId":4,"temp":-10.5,"name":"abc","free":"anything at all"})");
  EXPECT_EQ(App(t, R"({"cmdId":4,"temp":-10.6})", kLenient),
            "1400004 The field temp contains a value that is too low");
  EXPECT_EQ(App(t, R"({"cmdId":4,"name":"abcd"})", kLenient),
            "1400003 The field name contains a value that is too high");
  EXPECT_EQ(App(t, R"({"cmdId":4,"name":5})", kLenient), "1400032 Invalid Param");
}

TEST_F(CodecTest, LenientAppRawStillChecksFields) {
  // A wrong checksum is tolerated, but the decoded power 2 is still too high.
  EXPECT_EQ(App(v2_, R"({"raw":"48070205020200"})", kLenient),
            "1400003 The field power contains a value that is too high");
  EXPECT_EQ(App(v2_, R"({"raw":"480602090962"})", kLenient),  // cmdId 9 from an app
            "1400011 The device does not have this instruction");
  // Data length ≠ Σ dataLength: lenient forwards unchecked, strict refuses.
  EXPECT_EQ(App(v2_, R"({"raw":"480802050202005B"})", kLenient), R"({"raw":"480802050202005B"})");
  EXPECT_EQ(App(v2_, R"({"raw":"480802050202005B"})", kStrict),
            "1400025 RAW not valid, Please check your protocol template");
  Result<Prepared> r = PrepareAppCommand(v2_, R"({"raw":"48070205020159"})", kStrict, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->command, v2_.FindById(2));
}

// §5 step 8: frame type against the command and the direction, STRICT only.
TEST_F(CodecTest, StrictFrameType) {
  // A report frame (type 01, cmdId 1) sent by an app.
  EXPECT_EQ(App(v2_, R"({"raw":"48070107010159"})", kLenient), R"({"raw":"48070107010159"})");
  EXPECT_EQ(App(v2_, R"({"raw":"48070107010159"})", kStrict),
            "1400025 RAW not valid, Please check your protocol template");
  // A command frame (type 02, cmdId 2) reported by a device.
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070205020159"})", kLenient),
            R"({"raw":"48070205020159","cmdId":2,"cmdTag":"setPower","power":1})");
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070205020159"})", kStrict),
            "1400025 RAW not valid, Please check your protocol template");
  // Type 01 naming a command whose frameType is 2.
  EXPECT_EQ(Dev(v2_, R"({"raw":"48070105020158"})", kStrict),
            "1400025 RAW not valid, Please check your protocol template");
}

// §6.1: NOT_CHECK_RAW and TRANSPARENT48 only check that raw is hex.
TEST_F(CodecTest, OpaqueModes) {
  for (std::string_view mode : {"JSON_TRANSPARENT_NOT_CHECK_RAW", "TRANSPARENT48"}) {
    Template t = MustParse(Demo48As(mode));
    for (CheckMode m : {kLenient, kStrict}) {
      EXPECT_EQ(App(t, R"({"raw":"470602010050"})", m), R"({"raw":"470602010050"})") << mode;
      EXPECT_EQ(App(t, R"({"raw":"48070205020100"})", m), R"({"raw":"48070205020100"})") << mode;
      EXPECT_EQ(App(t, R"({"raw":"4807020101XX54"})", m),
                "1400025 RAW not valid, Please check your protocol template")
          << mode;
      EXPECT_EQ(App(t, R"({"raw":""})", m),
                "1400025 RAW not valid, Please check your protocol template");
      EXPECT_EQ(Dev(t, R"({"raw":"48070107010158"})", m), R"({"raw":"48070107010158"})") << mode;
      EXPECT_EQ(Dev(t, R"({"raw":"4807010701015"})", m),
                "1400025 RAW not valid, Please check your protocol template")
          << mode;
    }
  }
  // NOT_CHECK_RAW reports are decorated when they decode; TRANSPARENT48's never are.
  Template ncr = MustParse(Demo48As("JSON_TRANSPARENT_NOT_CHECK_RAW"));
  EXPECT_EQ(Dev(ncr, R"({"raw":"48070107010159"})", kLenient),
            R"({"raw":"48070107010159","cmdId":1,"cmdTag":"reportDevStatus","power":1})");
  EXPECT_EQ(Dev(ncr, R"({"raw":"48070107010359"})", kLenient), R"({"raw":"48070107010359"})");
  Template t48 = MustParse(Demo48As("TRANSPARENT48"));
  EXPECT_EQ(Dev(t48, R"({"raw":"480901000001010155"})", kLenient),
            R"({"raw":"480901000001010155"})");
}

// §6.2: data naming neither cmdId, cmdTag nor raw is forwarded unchecked.
TEST_F(CodecTest, DataWithoutACommand) {
  const char* ota = R"({"upgradeState":0,"upgradeProgress":100})";
  for (CheckMode m : {kLenient, kStrict}) {
    EXPECT_EQ(Dev(v2_, ota, m), ota);
    EXPECT_EQ(Dev(ctrl_, ota, m), ota);
    EXPECT_EQ(App(ctrl_, ota, m), ota);
    EXPECT_EQ(App(v2_, ota, m), ota);
  }
  // JSON_CTRL data with a raw key is not a frame: forwarded as K-V.
  EXPECT_EQ(App(ctrl_, R"({"raw":"zz"})", kStrict), R"({"raw":"zz"})");
  // A 48 device's K-V report is checked like JSON_CTRL's and forwarded.
  EXPECT_EQ(Dev(v2_, R"({"cmdId":1,"power":1})", kStrict), R"({"cmdId":1,"power":1})");
  EXPECT_EQ(Dev(v2_, R"({"cmdId":1,"power":3})", kLenient),
            "1400003 The field power contains a value that is too high");
}

TEST(CheckModeTest, Parse) {
  EXPECT_EQ(ParseCheckMode("STRICT"), CheckMode::kStrict);
  EXPECT_EQ(ParseCheckMode("LENIENT"), CheckMode::kLenient);
  EXPECT_EQ(ParseCheckMode(""), CheckMode::kLenient);
}

}  // namespace
}  // namespace krypton::codec
