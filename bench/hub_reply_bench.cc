// Cost of turning a hub answer into its JSON frame (hub/reply.h): every device and app
// answer passes through here, so it sits on the per-message path.
#include <benchmark/benchmark.h>

#include "hub/reply.h"

namespace {

void BM_SuccessFrameWithParams(benchmark::State& state) {
  const std::string params =
      R"({"devTid":"ESP_2M_5CCF7F2EA957","ctrlKey":"0123456789abcdef0123456789abcdef"})";
  for (auto _ : state) {
    benchmark::DoNotOptimize(krypton::hub::SuccessFrame("18453", "devLogin", 200, params));
  }
}
BENCHMARK(BM_SuccessFrameWithParams);

void BM_ErrorFrameWithPlaceholder(benchmark::State& state) {
  krypton::Status status(krypton::Code::kHubValueTooHigh, "power");
  for (auto _ : state) {
    benchmark::DoNotOptimize(krypton::hub::ErrorFrame("\"65\"", "appSend", status));
  }
}
BENCHMARK(BM_ErrorFrameWithPlaceholder);

}  // namespace
