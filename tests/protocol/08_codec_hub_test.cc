// Black-box: the template codec on the hub path of the real binary (templates-and-frames.md
// §6–§7, D7, D16) — app K-V encoded into 48 frames, app raw checked per check mode, device
// reports verified, decorated or dropped — and GET /external/device/protocolTemplate.
// Scripted devices and apps over real sockets; products made with `krypton admin`.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

// The demo socket as a 48 product (§9.2) plus a command with an enumeration.
constexpr const char* kTemplate48 = R"({
  "workModeType": "TRANSPARENT48_V2",
  "protocol": {
    "0": {"cmdId": 0, "cmdTag": "queryDev", "frameType": 2, "fields": []},
    "1": {"cmdId": 1, "cmdTag": "reportDevStatus", "frameType": 1,
          "fields": [{"name": "power", "dataType": "NUMBER", "dataLength": 1, "minValue": 0, "maxValue": 1}]},
    "2": {"cmdId": 2, "cmdTag": "setPower", "frameType": 2,
          "fields": [{"name": "power", "dataType": "NUMBER", "dataLength": 1, "minValue": 0, "maxValue": 1}]},
    "4": {"cmdId": 4, "cmdTag": "setMode", "frameType": 2,
          "fields": [{"name": "mode", "dataType": "NUMBER", "dataLength": 1,
                      "enumeration": [{"value": 0}, {"value": 2}, {"value": 5}]}]}
  }
})";

class CodecHubTest : public KryptonTest {
 protected:
  void SetUp() override {
    uid_ = admin_.Demo().uid;
    std::string tpl = dir_ + "/t48.json";
    std::ofstream(tpl) << kTemplate48;
    ppk48_ = Product("LENIENT48AAA", "lenient48", tpl, {"--work-mode", "TRANSPARENT48_V2"});
    Product("STRICT48AAAA", "strict48", tpl,
            {"--work-mode", "TRANSPARENT48_V2", "--check-mode", "STRICT"});
    Product("RAWONLY48AAA", "rawonly48", tpl, {"--work-mode", "TRANSPARENT48_V2", "--no-decorate"});
    // The demo socket's JSON_CTRL template under a STRICT product.
    std::string ctrl = dir_ + "/ctrl.json";
    std::ofstream(ctrl) << Field(
        admin_.Run({"template", "show", "--product", "DEMOSOCKET01", "--json"}).out, "/template");
    Product("STRICTCTRL01", "strictctrl", ctrl,
            {"--work-mode", "JSON_CTRL", "--check-mode", "STRICT"});

    // Bindings are made by the admin CLI below: no access cache.
    ASSERT_TRUE(Serve({"hub.access_cache_ms=0"}));
    token_ = admin_.Token(uid_);
  }

  // Creates a product of the demo manufacturer; returns its productPublicKey.
  std::string Product(const std::string& mid, const std::string& prod_key, const std::string& tpl,
                      std::vector<std::string> extra) {
    std::vector<std::string> args = {"product",    "create", "--pid",      "00000000000",
                                     "--name",     mid,      "--mid",      mid,
                                     "--prod-key", prod_key, "--template", tpl};
    args.insert(args.end(), extra.begin(), extra.end());
    return StringField(admin_.Json(args), "/productPublicKey");
  }

  // Logs a scripted device of `prod_key` in and binds it to the demo user; returns its ctrlKey.
  std::string Device(LineClient& dev, const std::string& dev_tid, const std::string& prod_key) {
    auto r = dev.Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":")" + dev_tid +
                      R"(","prodKey":")" + prod_key + R"(","token":""}})");
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(Field(r.value_or(""), "/code"), "200") << r.value_or("");
    admin_.Ok({"device", "bind", "--dev-tid", dev_tid, "--uid", uid_});
    return StringField(r.value_or(""), "/params/ctrlKey");
  }

  void AppLogin(LineClient& app) {
    auto r = app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"a1","token":")" +
                      token_ + "\"}}");
    ASSERT_EQ(Field(r.value_or(""), "/code"), "200") << r.value_or("");
  }

  static std::string AppSend(int msg_id, const std::string& dev_tid, const std::string& ctrl_key,
                             const std::string& data) {
    return R"({"msgId":)" + std::to_string(msg_id) + R"(,"action":"appSend","params":{"devTid":")" +
           dev_tid + R"(","ctrlKey":")" + ctrl_key + R"(","appTid":"a1","data":)" + data + "}}";
  }
  static std::string DevSend(int msg_id, const std::string& dev_tid, const std::string& data) {
    return R"({"msgId":)" + std::to_string(msg_id) + R"(,"action":"devSend","params":{"devTid":")" +
           dev_tid + R"(","appTid":[],"data":)" + data + "}}";
  }

  // The device reads the relayed command, answers it, and returns the command's data.
  static std::string RelayedData(LineClient& dev) {
    auto cmd = dev.ReadLine();
    if (!cmd) return "<nothing>";
    dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                 R"(,"action":"appSendResp","code":200,"desc":"success"})");
    return Field(*cmd, "/params/data");
  }

  std::string uid_, token_, ppk48_;
};

TEST_F(CodecHubTest, AppKeyValuesAreValidatedAndEncodedFor48Products) {
  LineClient dev(server_->port("device"));
  std::string ctrl_key = Device(dev, "L48", "lenient48");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);

  // S2 of §9.3: {cmdId:2, power:1} with msgId 5 → 48070205020159 to the device.
  ASSERT_TRUE(app.SendLine(AppSend(5, "L48", ctrl_key, R"({"cmdId":2,"power":1})")));
  EXPECT_EQ(RelayedData(dev), R"({"raw":"48070205020159"})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
  // By cmdTag, with SDKWEB's msgId inside data (always accepted); frame no. = 300 mod 256.
  ASSERT_TRUE(
      app.SendLine(AppSend(300, "L48", ctrl_key, R"({"cmdTag":"setPower","msgId":44,"power":0})")));
  EXPECT_EQ(RelayedData(dev), R"({"raw":"4807022C02007F"})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");

  // Refusals: answered to the app, nothing reaches the device.
  EXPECT_EQ(
      *app.Call(AppSend(6, "L48", ctrl_key, R"({"cmdId":2,"power":7})")),
      R"({"msgId":6,"action":"appSendResp","code":1400003,"desc":"The field power contains a value that is too high"})");
  EXPECT_EQ(
      *app.Call(AppSend(7, "L48", ctrl_key, R"({"cmdId":2,"power":-1})")),
      R"({"msgId":7,"action":"appSendResp","code":1400004,"desc":"The field power contains a value that is too low"})");
  EXPECT_EQ(
      *app.Call(AppSend(8, "L48", ctrl_key, R"({"cmdId":4,"mode":3})")),
      R"({"msgId":8,"action":"appSendResp","code":1400005,"desc":"The value of the field mode must be an enumerated value"})");
  EXPECT_EQ(
      *app.Call(AppSend(9, "L48", ctrl_key, R"({"cmdId":9})")),
      R"({"msgId":9,"action":"appSendResp","code":1400011,"desc":"The device does not have this instruction"})");
  EXPECT_EQ(
      *app.Call(AppSend(10, "L48", ctrl_key, R"({"cmdTag":"nope"})")),
      R"({"msgId":10,"action":"appSendResp","code":1400011,"desc":"The device does not have this instruction"})");
  EXPECT_EQ(Field(*app.Call(AppSend(11, "L48", ctrl_key, R"({"cmdId":2})")), "/code"), "1400032");
  EXPECT_EQ(
      *app.Call(AppSend(12, "L48", ctrl_key, R"({"raw":"48ZZ"})")),
      R"({"msgId":12,"action":"appSendResp","code":1400025,"desc":"RAW not valid, Please check your protocol template"})");
  EXPECT_EQ(Field(*app.Call(AppSend(13, "L48", ctrl_key, R"({"raw":"4806"})")), "/code"),
            "1400014");
  EXPECT_FALSE(dev.ReadLine(std::chrono::milliseconds(200)).has_value());

  // LENIENT: an app raw with a wrong checksum (ioBroker's 00 checksum) goes through unchanged.
  ASSERT_TRUE(app.SendLine(AppSend(14, "L48", ctrl_key, R"({"raw":"48070200020100"})")));
  EXPECT_EQ(RelayedData(dev), R"({"raw":"48070200020100"})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
}

TEST_F(CodecHubTest, StrictProductsCheckAppRawAndUnknownKeys) {
  LineClient dev(server_->port("device"));
  std::string ctrl_key = Device(dev, "S48", "strict48");
  LineClient ctrl_dev(server_->port("device"));
  std::string ctrl_ctrl_key = Device(ctrl_dev, "SCTRL", "strictctrl");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);

  EXPECT_EQ(*app.Call(AppSend(1, "S48", ctrl_key, R"({"raw":"48070200020100"})")),
            R"({"msgId":1,"action":"appSendResp","code":1400040,"desc":"frame payload error"})");
  // A device-report frame type sent as a command: refused in STRICT only.
  EXPECT_EQ(Field(*app.Call(AppSend(2, "S48", ctrl_key, R"({"raw":"48070107010159"})")), "/code"),
            "1400025");
  ASSERT_TRUE(app.SendLine(AppSend(3, "S48", ctrl_key, R"({"raw":"48070205020159"})")));
  EXPECT_EQ(RelayedData(dev), R"({"raw":"48070205020159"})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");

  // JSON_CTRL under STRICT: unknown keys and missing fields are refused.
  EXPECT_EQ(*app.Call(AppSend(4, "SCTRL", ctrl_ctrl_key, R"({"cmdId":2,"power":1,"colour":3})")),
            R"({"msgId":4,"action":"appSendResp","code":1400006,"desc":"Field not exist"})");
  EXPECT_EQ(Field(*app.Call(AppSend(5, "SCTRL", ctrl_ctrl_key, R"({"cmdId":2})")), "/code"),
            "1400032");
  EXPECT_FALSE(ctrl_dev.ReadLine(std::chrono::milliseconds(200)).has_value());
}

TEST_F(CodecHubTest, JsonCtrlKeyValuesPassUntouchedAndCmdTagGetsItsCmdId) {
  LineClient dev(server_->port("device"));
  std::string ctrl_key = Device(dev, "CTRL1", "xxxxxx");  // the demo socket (LENIENT)
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);
  // Lenient: an unknown key and a numeric string pass, untouched.
  ASSERT_TRUE(app.SendLine(AppSend(1, "CTRL1", ctrl_key, R"({"cmdId":2,"power":"1","x":1})")));
  EXPECT_EQ(RelayedData(dev), R"({"cmdId":2,"power":"1","x":1})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
  ASSERT_TRUE(app.SendLine(AppSend(2, "CTRL1", ctrl_key, R"({"cmdTag":"setPower","power":1})")));
  EXPECT_EQ(RelayedData(dev), R"({"cmdId":2,"cmdTag":"setPower","power":1})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
  // Ranges and enumerations hold in both modes.
  EXPECT_EQ(Field(*app.Call(AppSend(3, "CTRL1", ctrl_key, R"({"cmdId":2,"power":2})")), "/code"),
            "1400003");
  EXPECT_EQ(Field(*app.Call(AppSend(4, "CTRL1", ctrl_key, R"({"cmdId":7})")), "/code"), "1400011");
}

TEST_F(CodecHubTest, DeviceReportsAreVerifiedDecoratedOrDropped) {
  LineClient dev(server_->port("device"));
  std::string ctrl_key = Device(dev, "R48", "lenient48");
  LineClient raw_dev(server_->port("device"));
  Device(raw_dev, "RAW48", "rawonly48");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);

  // S4/S7: a valid report reaches the app with raw first and the decoded fields.
  EXPECT_EQ(Field(*dev.Call(DevSend(7, "R48", R"({"raw":"48070107010159"})")), "/code"), "200");
  auto pushed = app.ReadLine();
  ASSERT_TRUE(pushed);
  EXPECT_EQ(Field(*pushed, "/action"), R"("devSend")");
  EXPECT_EQ(Field(*pushed, "/params/data"),
            R"({"raw":"48070107010159","cmdId":1,"cmdTag":"reportDevStatus","power":1})");

  // Wrong checksum → 1400040 to the device, dropped; out of range → 1400003, dropped;
  // unknown cmdId from a device → 1400025; not hex → 1400025.
  EXPECT_EQ(*dev.Call(DevSend(8, "R48", R"({"raw":"48070107010158"})")),
            R"({"msgId":8,"action":"devSendResp","code":1400040,"desc":"frame payload error"})");
  EXPECT_EQ(
      *dev.Call(DevSend(9, "R48", R"({"raw":"4807010701025A"})")),
      R"({"msgId":9,"action":"devSendResp","code":1400003,"desc":"The field power contains a value that is too high"})");
  EXPECT_EQ(Field(*dev.Call(DevSend(10, "R48", R"({"raw":"48060107095F"})")), "/code"), "1400025");
  EXPECT_EQ(Field(*dev.Call(DevSend(11, "R48", R"({"raw":"hello"})")), "/code"), "1400025");
  // An OTA progress report names no command: forwarded unchecked.
  EXPECT_EQ(
      Field(*dev.Call(DevSend(12, "R48", R"({"upgradeState":0,"upgradeProgress":100})")), "/code"),
      "200");
  // The app saw none of the dropped reports: the next push is the OTA one.
  pushed = app.ReadLine();
  ASSERT_TRUE(pushed);
  EXPECT_EQ(Field(*pushed, "/params/data"), R"({"upgradeState":0,"upgradeProgress":100})");
  // The device's last state is the last accepted report.
  EXPECT_EQ(Field(admin_.Run({"device", "show", "--dev-tid", "R48"}).out, "/state"),
            R"({"upgradeState":0,"upgradeProgress":100})");

  // decorateDevSend off: raw only.
  EXPECT_EQ(Field(*raw_dev.Call(DevSend(1, "RAW48", R"({"raw":"48070107010159"})")), "/code"),
            "200");
  pushed = app.ReadLine();
  ASSERT_TRUE(pushed);
  EXPECT_EQ(Field(*pushed, "/params/data"), R"({"raw":"48070107010159"})");
  // The connections survive every refusal.
  EXPECT_EQ(Field(*dev.Call(R"({"msgId":99,"action":"heartbeat"})"), "/code"), "200");
  // Dropped reports are counted per product and code.
  HttpResult metrics = HttpRequest(server_->port("http"), "GET", "/metrics", "");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(
      metrics.body.find("krypton_reports_dropped_total{mid=\"LENIENT48AAA\",code=\"1400040\"} 1\n"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find("krypton_reports_dropped_total{mid=\"LENIENT48AAA\",code=\"1400025\"} 2\n"),
      std::string::npos);
  EXPECT_NE(
      metrics.body.find("krypton_reports_dropped_total{mid=\"LENIENT48AAA\",code=\"1400003\"} 1\n"),
      std::string::npos);
}

TEST_F(CodecHubTest, AStoredTemplateVersionTakesEffect) {
  LineClient dev(server_->port("device"));
  std::string ctrl_key = Device(dev, "V48", "lenient48");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);
  EXPECT_EQ(Field(*app.Call(AppSend(1, "V48", ctrl_key, R"({"cmdId":2,"power":3})")), "/code"),
            "1400003");
  // Version 2 allows power up to 5.
  std::string v2 = kTemplate48;
  v2.replace(v2.find(R"("maxValue": 1}]},
    "4")"),
             std::string(R"("maxValue": 1})").size(), R"("maxValue": 5})");
  std::ofstream(dir_ + "/v2.json") << v2;
  CommandResult set =
      admin_.Run({"template", "set", "--product", "LENIENT48AAA", dir_ + "/v2.json"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  ASSERT_TRUE(app.SendLine(AppSend(2, "V48", ctrl_key, R"({"cmdId":2,"power":3})")));
  EXPECT_EQ(RelayedData(dev), R"({"raw":"48070202020358"})");
  EXPECT_EQ(Field(*app.ReadLine(), "/code"), "200");
}

// The device simulator as a pass-through 48 module: an app sends K-V, the module gets
// the encoded frame, and its raw report reaches the app decorated with the fields.
TEST_F(CodecHubTest, SimulatedRawModuleEndToEnd) {
  std::string token_file = dir_ + "/sim48.token";
  std::string sim = std::string(KRYPTON_DEVSIM_BINARY) + " --raw --prod-key lenient48 " +
                    "--dev-tid SIM48 --dispatch-port " + std::to_string(server_->port("dispatch")) +
                    " --token-file " + token_file;
  ASSERT_EQ(std::system((sim + " --run-for 1 > /dev/null 2>&1").c_str()), 0);
  ASSERT_EQ(admin_.Run({"device", "bind", "--dev-tid", "SIM48", "--uid", uid_}).exit_code, 0);
  std::string ctrl_key =
      StringField(admin_.Run({"device", "show", "--dev-tid", "SIM48"}).out, "/ctrlKey");
  LineClient app(server_->port("app_tcp"));
  AppLogin(app);
  ASSERT_EQ(std::system((sim + " --run-for 15 > " + dir_ + "/sim48.log 2>&1 &").c_str()), 0);
  // The simulator's first report after login announces it.
  bool online = false;
  for (int i = 0; i < 50 && !online; ++i) {
    auto line = app.ReadLine(std::chrono::milliseconds(200));
    online = line && Field(*line, "/params/devTid") == R"("SIM48")" &&
             Field(*line, "/action") == R"("devSend")";
  }
  ASSERT_TRUE(online);
  ASSERT_TRUE(app.SendLine(AppSend(5, "SIM48", ctrl_key, R"({"cmdId":2,"power":1})")));
  bool answered = false, reported = false;
  for (int i = 0; i < 10 && !(answered && reported); ++i) {
    auto line = app.ReadLine();
    ASSERT_TRUE(line);
    if (Field(*line, "/action") == R"("appSendResp")") {
      answered = true;
      EXPECT_EQ(Field(*line, "/code"), "200");
      // The module echoes the command it received: the encoded frame.
      EXPECT_EQ(Field(*line, "/params/data"), R"({"raw":"48070205020159"})");
    } else if (Field(*line, "/action") == R"("devSend")") {
      reported = true;
      EXPECT_EQ(Field(*line, "/params/data/cmdTag"), R"("reportDevStatus")");
      EXPECT_EQ(Field(*line, "/params/data/power"), "1");
      // 48 07 01 <frame no.> 01 01 <sum>: a report, cmdId 1, power 1.
      std::string raw = StringField(*line, "/params/data/raw");
      ASSERT_EQ(raw.size(), 14u) << raw;
      EXPECT_EQ(raw.substr(0, 6), "480701");
      EXPECT_EQ(raw.substr(8, 4), "0101");
    }
  }
  EXPECT_TRUE(answered);
  EXPECT_TRUE(reported);
}

TEST_F(CodecHubTest, ProtocolTemplateEndpoint) {
  auto get = [&](const std::vector<std::pair<std::string, std::string>>& headers) {
    return HttpRequest(server_->port("http"), "GET", "/external/device/protocolTemplate", "",
                       headers);
  };
  HttpResult ok = get({{"Authorization", "Bearer " + token_}, {"X-Hekr-ProdPubKey", ppk48_}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(StringField(ok.body, "/workModeType"), "TRANSPARENT48_V2");
  EXPECT_EQ(StringField(ok.body, "/protocol/2/cmdTag"), "setPower");
  EXPECT_EQ(Field(ok.body, "/protocol/4/fields/0/enumeration/1/value"), "2");
  EXPECT_EQ(Field(ok.body, "/code"), "<absent>");  // the bare template, no envelope

  HttpResult missing = get({{"Authorization", "Bearer " + token_}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(Field(missing.body, "/code"), "6400015");
  EXPECT_EQ(StringField(missing.body, "/desc"), "Invalid prodPubKey");
  HttpResult unknown = get({{"Authorization", "Bearer " + token_}, {"X-Hekr-ProdPubKey", "nope"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Field(unknown.body, "/code"), "6400015");
  HttpResult anonymous = get({{"X-Hekr-ProdPubKey", ppk48_}});
  EXPECT_EQ(anonymous.status, 403);
  EXPECT_EQ(Field(anonymous.body, "/code"), "3400015");
  // A product without a template (none can be made through the CLI: remove its rows).
  std::string sql = "sqlite3 " + dir_ +
                    "/krypton.db \"DELETE FROM protocol_templates WHERE mid = 'LENIENT48AAA'\"";
  ASSERT_EQ(std::system(sql.c_str()), 0);
  HttpResult none = get({{"Authorization", "Bearer " + token_}, {"X-Hekr-ProdPubKey", ppk48_}});
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(Field(none.body, "/code"), "8400001");
  EXPECT_EQ(StringField(none.body, "/desc"), "Protocol template does not exist");
}

}  // namespace
}  // namespace krypton::testing
