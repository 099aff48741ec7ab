// The demo product that `krypton admin demo` creates (src/app/demo.cc) and the scheduler
// benchmark loads (bench/scheduler_bench.cc): one definition of the demo socket.
#ifndef KRYPTON_CATALOG_DEMO_H_
#define KRYPTON_CATALOG_DEMO_H_

namespace krypton::catalog {

// The demo socket: nodejs-device-hekr's demo protocol, identical to hekrapi's
// power_socket (enterprise-api.md §7).
inline constexpr char kDemoSocketTemplate[] = R"({
  "workModeType": "JSON_CTRL",
  "protocol": {
    "0": {"cmdId": 0, "cmdTag": "queryDev", "frameType": 2, "fields": []},
    "1": {"cmdId": 1, "cmdTag": "reportDevStatus", "frameType": 1,
          "fields": [{"name": "power", "dataType": "INT", "minValue": 0, "maxValue": 1,
                      "enumeration": [{"value": 0, "desc": "off"}, {"value": 1, "desc": "on"}]}]},
    "2": {"cmdId": 2, "cmdTag": "setPower", "frameType": 2,
          "fields": [{"name": "power", "dataType": "INT", "minValue": 0, "maxValue": 1,
                      "enumeration": [{"value": 0, "desc": "off"}, {"value": 1, "desc": "on"}]}]}
  }
}
)";

inline constexpr char kDemoMid[] = "DEMOSOCKET01";
inline constexpr char kDemoProdKey[] = "xxxxxx";  // nodejs-device-hekr's placeholder

}  // namespace krypton::catalog

#endif  // KRYPTON_CATALOG_DEMO_H_
