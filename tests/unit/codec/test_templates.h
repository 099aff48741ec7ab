// Templates of the spec used by the codec tests (templates-and-frames.md §9.2,
// enterprise-api.md §7), and a helper that parses one or fails the test.
#ifndef KRYPTON_TESTS_UNIT_CODEC_TEST_TEMPLATES_H_
#define KRYPTON_TESTS_UNIT_CODEC_TEST_TEMPLATES_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "catalog/demo.h"
#include "codec/template.h"

namespace krypton::codec::testing {

// §9.2: the demo socket as a 48 product, plus a STRING command.
inline constexpr std::string_view kDemo48 = R"({
  "workModeType": "TRANSPARENT48_V2",
  "protocol": {
    "0": {"cmdId": 0, "cmdTag": "queryDev", "frameType": 2, "fields": []},
    "1": {"cmdId": 1, "cmdTag": "reportDevStatus", "frameType": 1,
          "fields": [{"name": "power", "dataType": "NUMBER", "dataLength": 1, "minValue": 0, "maxValue": 1}]},
    "2": {"cmdId": 2, "cmdTag": "setPower", "frameType": 2,
          "fields": [{"name": "power", "dataType": "NUMBER", "dataLength": 1, "minValue": 0, "maxValue": 1}]},
    "3": {"cmdId": 3, "cmdTag": "setLabel", "frameType": 2,
          "fields": [{"name": "label", "dataType": "STRING", "dataLength": 4},
                     {"name": "limitW", "dataType": "NUMBER", "dataLength": 2, "minValue": 0, "maxValue": 3000}]}
  }
})";

// enterprise-api.md §7: the demo socket (JSON_CTRL), as `krypton admin demo` stores it.
inline constexpr std::string_view kDemoCtrl = catalog::kDemoSocketTemplate;

// kDemo48 in another work mode.
inline std::string Demo48As(std::string_view mode) {
  std::string s(kDemo48);
  s.replace(s.find("TRANSPARENT48_V2"), 16, mode);
  return s;
}

inline Template MustParse(std::string_view json) {
  Result<Template> t = ParseTemplate(json);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::move(t).value() : Template();
}

}  // namespace krypton::codec::testing

#endif  // KRYPTON_TESTS_UNIT_CODEC_TEST_TEMPLATES_H_
