// Cost of the template codec per frame (src/codec/): encode, decode and validate for
// the demo socket as a 48 product (templates-and-frames.md §9.2), a real power-meter
// report (§9.1 V6, 67 bytes, 22 fields) and the longest frame (254 bytes, 31 NUMBERs
// of 8 bytes); plus the two hub entry points, which add the JSON work around them.
// Figures: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>

#include "codec/codec.h"

namespace {

using namespace krypton::codec;

constexpr const char* kDemo48 = R"({"workModeType":"TRANSPARENT48_V2","protocol":{
"0":{"cmdId":0,"cmdTag":"queryDev","frameType":2,"fields":[]},
"1":{"cmdId":1,"cmdTag":"reportDevStatus","frameType":1,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},
"2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[{"name":"power","dataType":"NUMBER","dataLength":1,"minValue":0,"maxValue":1}]},
"3":{"cmdId":3,"cmdTag":"setLabel","frameType":2,"fields":[{"name":"label","dataType":"STRING","dataLength":4},{"name":"limitW","dataType":"NUMBER","dataLength":2,"minValue":0,"maxValue":3000}]}}})";

constexpr const char* kDemoCtrl = R"({"workModeType":"JSON_CTRL","protocol":{
"0":{"cmdId":0,"cmdTag":"queryDev","frameType":2,"fields":[]},
"2":{"cmdId":2,"cmdTag":"setPower","frameType":2,"fields":[{"name":"power","dataType":"INT","minValue":0,"maxValue":1,"enumeration":[{"value":0,"desc":"off"},{"value":1,"desc":"on"}]}]}}})";

constexpr const char* kMeterReport =
    "484301010B001FC9000000000000096800000000000000000000000000000000004C93004C9300000000000003"
    "E803E80000000013870000510F0000510F00000000DF";

Template Parse(const std::string& json) {
  auto t = ParseTemplate(json);
  if (!t.ok()) std::abort();
  return std::move(t).value();
}

const Template& Demo() {
  static const Template t = Parse(kDemo48);
  return t;
}

// hekrapi's power-meter command 11 (22 NUMBER fields, 61 data bytes).
const Template& Meter() {
  static const Template t = [] {
    const std::pair<const char*, int> layout[] = {
        {"I1", 3},   {"I2", 3},     {"I3", 3},     {"U1", 2},    {"U2", 2},  {"U3", 2},
        {"rP", 3},   {"rP1", 3},    {"rP2", 3},    {"rP3", 3},   {"aP", 3},  {"aP1", 3},
        {"aP2", 3},  {"aP3", 3},    {"pf", 2},     {"pf1", 2},   {"pf2", 2}, {"pf3", 2},
        {"rate", 2}, {"energy", 4}, {"import", 4}, {"export", 4}};
    std::string fields;
    for (auto [name, len] : layout) {
      fields += (fields.empty() ? "" : ",") + std::string(R"({"name":")") + name +
                R"(","dataType":"NUMBER","dataLength":)" + std::to_string(len) +
                R"(,"minValue":0,"maxValue":16777215})";
    }
    return Parse(R"({"workModeType":"JSON_TRANSPARENT","protocol":{"11":{"cmdId":11,)"
                 R"("cmdTag":"reportData","frameType":1,"fields":[)" +
                 fields + "]}}}");
  }();
  return t;
}

// The longest frame: 31 NUMBERs of 8 bytes, 254 bytes.
const Template& Widest() {
  static const Template t = [] {
    std::string fields;
    for (int i = 0; i < 31; ++i) {
      fields += (i ? "," : "") + std::string(R"({"name":"f)") + std::to_string(i) +
                R"(","dataType":"NUMBER","dataLength":8})";
    }
    return Parse(R"({"workModeType":"JSON_TRANSPARENT","protocol":{"1":{"cmdId":1,)"
                 R"("cmdTag":"wide","frameType":1,"fields":[)" +
                 fields + "]}}}");
  }();
  return t;
}

KeyValues WidestValues() {
  KeyValues kv;
  for (int i = 0; i < 31; ++i) kv.emplace_back("f" + std::to_string(i), int64_t{i} << 40 | i);
  return kv;
}

void BM_ParseTemplate_Demo48(benchmark::State& state) {
  const std::string json = kDemo48;
  for (auto _ : state) benchmark::DoNotOptimize(ParseTemplate(json));
}
BENCHMARK(BM_ParseTemplate_Demo48);

void BM_Encode_DemoSetPower(benchmark::State& state) {
  const Template& t = Demo();
  const KeyValues kv = {{"power", int64_t{1}}};
  for (auto _ : state) benchmark::DoNotOptimize(EncodeFrame(t, *t.FindById(2), kv, 5));
}
BENCHMARK(BM_Encode_DemoSetPower);

void BM_Decode_DemoReport(benchmark::State& state) {
  const Template& t = Demo();
  for (auto _ : state) benchmark::DoNotOptimize(DecodeFrame(t, "48070107010159"));
}
BENCHMARK(BM_Decode_DemoReport);

void BM_Validate_DemoDecoded(benchmark::State& state) {
  const Template& t = Demo();
  auto d = DecodeFrame(t, "48070107010159");
  for (auto _ : state) {
    for (size_t i = 0; i < d->values.size(); ++i) {
      benchmark::DoNotOptimize(CheckValue(d->command->fields[i], d->values[i]));
    }
  }
}
BENCHMARK(BM_Validate_DemoDecoded);

void BM_Encode_Meter67B(benchmark::State& state) {
  const Template& t = Meter();
  KeyValues kv = ToKeyValues(*DecodeFrame(t, kMeterReport));
  for (auto _ : state) benchmark::DoNotOptimize(EncodeFrame(t, *t.FindById(11), kv, 1));
}
BENCHMARK(BM_Encode_Meter67B);

void BM_Decode_Meter67B(benchmark::State& state) {
  const Template& t = Meter();
  for (auto _ : state) benchmark::DoNotOptimize(DecodeFrame(t, kMeterReport));
}
BENCHMARK(BM_Decode_Meter67B);

void BM_Validate_Meter67B(benchmark::State& state) {
  const Template& t = Meter();
  auto d = DecodeFrame(t, kMeterReport);
  for (auto _ : state) {
    for (size_t i = 0; i < d->values.size(); ++i) {
      benchmark::DoNotOptimize(CheckValue(d->command->fields[i], d->values[i]));
    }
  }
}
BENCHMARK(BM_Validate_Meter67B);

void BM_Encode_Widest254B(benchmark::State& state) {
  const Template& t = Widest();
  const KeyValues kv = WidestValues();
  for (auto _ : state) benchmark::DoNotOptimize(EncodeFrame(t, *t.FindById(1), kv, 1));
}
BENCHMARK(BM_Encode_Widest254B);

void BM_Decode_Widest254B(benchmark::State& state) {
  const Template& t = Widest();
  const std::string hex = *EncodeFrame(t, *t.FindById(1), WidestValues(), 1);
  for (auto _ : state) benchmark::DoNotOptimize(DecodeFrame(t, hex));
}
BENCHMARK(BM_Decode_Widest254B);

// The hub entry points: JSON in, JSON out.
void BM_App_JsonCtrlKv(benchmark::State& state) {
  static const Template t = Parse(kDemoCtrl);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        PrepareAppCommand(t, R"({"cmdId":2,"msgId":7,"power":1})", CheckMode::kLenient, 7));
  }
}
BENCHMARK(BM_App_JsonCtrlKv);

void BM_App_KvEncodedTo48(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        PrepareAppCommand(Demo(), R"({"cmdId":2,"power":1})", CheckMode::kLenient, 5));
  }
}
BENCHMARK(BM_App_KvEncodedTo48);

void BM_App_RawValidatedStrict(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        PrepareAppCommand(Demo(), R"({"raw":"48070205020159"})", CheckMode::kStrict, 5));
  }
}
BENCHMARK(BM_App_RawValidatedStrict);

void BM_Dev_DecorateDemoReport(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        DecorateDeviceReport(Demo(), R"({"raw":"48070107010159"})", CheckMode::kLenient));
  }
}
BENCHMARK(BM_Dev_DecorateDemoReport);

void BM_Dev_DecorateMeter67B(benchmark::State& state) {
  const std::string data = std::string(R"({"raw":")") + kMeterReport + "\"}";
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecorateDeviceReport(Meter(), data, CheckMode::kLenient));
  }
}
BENCHMARK(BM_Dev_DecorateMeter67B);

}  // namespace
