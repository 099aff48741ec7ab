// Black-box with an oracle nobody here wrote: Hekr's web SDK (sdk-web 0.1.3-alpha.5 from
// npm iobroker.hekr@0.0.6, tests/compat/sdkweb/run.mjs) drives the demo socket simulated by
// krypton-devsim through the real server — appLogin over WebSocket with a token from
// POST /login, GET /device?devTid=, GET /external/device/protocolTemplate, the automatic
// query, then {cmdId:2, power:1} and {cmdId:2, power:0} each answered by the report.
// scripts/bootstrap installs Node.js and the npm packages (tests/compat/sdkweb/).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;

TEST(CompatSdkWebTest, HekrWebSdkControlsTheDemoSocket) {
  const std::string compat = std::string(KRYPTON_SOURCE_DIR) + "/tests/compat/sdkweb";
  ASSERT_TRUE(std::filesystem::exists(compat + "/node_modules/iobroker.hekr/lib/sdk-web.es.js"))
      << "run ./scripts/bootstrap (npm ci in tests/compat/sdkweb)";
  AdminCli admin(MakeTempDir());
  const std::string dir = admin.data_dir();
  AdminCli::DemoAccount demo = admin.Demo();
  std::unique_ptr<ServerProcess> server;
  // The binding below is made by the admin CLI: no access cache.
  ASSERT_TRUE(StartServer(&server, dir, {"hub.access_cache_ms=0"}));

  // The simulator registers itself; it is bound, then runs while the SDK works.
  std::string sim = std::string(KRYPTON_DEVSIM_BINARY) + " --dev-tid WEBSDK1 --dispatch-port " +
                    std::to_string(server->port("dispatch")) + " --token-file " + dir +
                    "/sim.token";
  ASSERT_EQ(std::system((sim + " --run-for 1 > /dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(admin.Run({"device", "bind", "--dev-tid", "WEBSDK1", "--uid", demo.uid}).exit_code, 0);
  ASSERT_EQ(std::system((sim + " --run-for 30 > " + dir + "/sim.log 2>&1 &").c_str()), 0);
  bool online = false;
  for (int i = 0; i < 100 && !online; ++i) {
    online = Field(admin.Run({"device", "show", "--dev-tid", "WEBSDK1"}).out, "/online") == "true";
    if (!online) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(online);

  HttpResult login = HttpRequest(server->port("http"), "POST", "/login",
                                 R"({"username":"demo@krypton.local","password":")" +
                                     demo.password + R"(","clientType":"WEB"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string out = dir + "/sdkweb.out";
  std::string cmd = "cd " + compat +
                    " && KRYPTON_WS=ws://127.0.0.1:" + std::to_string(server->port("app_ws")) +
                    " KRYPTON_HTTP=http://127.0.0.1:" + std::to_string(server->port("http")) +
                    " KRYPTON_TOKEN=" + StringField(login.body, "/access_token") +
                    " KRYPTON_DEV_TID=WEBSDK1 node run.mjs > " + out + " 2>&1";
  int rc = std::system(cmd.c_str());
  std::stringstream printed;
  printed << std::ifstream(out).rdbuf();
  EXPECT_EQ(rc, 0) << printed.str();
  EXPECT_NE(printed.str().find("step: send {cmdId:2, power:1} → reportDevStatus "
                               R"({"cmdId":1,"power":1,"cmdTag":"reportDevStatus"})"),
            std::string::npos)
      << printed.str();
  EXPECT_NE(printed.str().find("\nOK\n"), std::string::npos) << printed.str();
  std::system("pkill -f 'krypton-devsim --dev-tid WEBSDK1' > /dev/null 2>&1");
}

}  // namespace
}  // namespace krypton::testing
