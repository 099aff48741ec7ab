// Black-box: the app hub of the real binary, over TCP, WebSocket and WSS, with real
// access tokens (krypton admin token issue) and a real device (krypton-devsim or a
// scripted TCP device). hub-protocol.md §4, compat-clients.md.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace asio = boost::asio;

class AppHubBlackBoxTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    uid_ = demo.uid;
    password_ = demo.password;
  }

  // Bindings change through the admin CLI (another process) in these tests.
  void Start(std::vector<std::string> sets = {}) { ASSERT_TRUE(ServeUncached(std::move(sets))); }

  // A scripted device of the demo product, bound to the demo user; returns its ctrlKey.
  std::string OnlineBoundDevice(LineClient& dev, const std::string& dev_tid) {
    auto r = dev.Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid +
                      R"(","prodKey":"xxxxxx","token":""}})");
    EXPECT_EQ(Field(*r, "/code"), "200");
    admin_.Ok({"device", "bind", "--dev-tid", dev_tid, "--uid", uid_});
    return StringField(*r, "/params/ctrlKey");
  }

  std::string uid_, password_;
};

TEST_F(AppHubBlackBoxTest, AppLoginWithRealTokens) {
  Start();
  std::string token = admin_.Token(uid_);
  LineClient app(server_->port("app_tcp"));
  // NODE-APP style: string msgIds.
  EXPECT_EQ(
      *app.Call(
          R"({"msgId":"240","action":"appLogin","params":{"appTid":"APP_NODEJS_SN20170801001","token":")" +
          token + "\"}}"),
      R"({"msgId":"240","action":"appLoginResp","code":200,"desc":"success"})");
  LineClient tampered(server_->port("app_tcp"));
  std::string bad = token;
  bad[bad.size() - 3] = bad[bad.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(*tampered.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"x","token":")" +
                           bad + "\"}}"),
            R"({"msgId":1,"action":"appLoginResp","code":1400002,"desc":"JWT parse error"})");
  EXPECT_EQ(
      Field(
          *tampered.Call(
              R"({"msgId":2,"action":"appLogin","params":{"appTid":"x","token":"eyJhbGciOiJub25lIn0.eyJ1aWQiOiIxIn0."}})"),
          "/code"),
      "1400002");
}

TEST_F(AppHubBlackBoxTest, ExpiredTokenAndUnknownUser) {
  std::string short_lived = admin_.Token(uid_, {"--ttl", "1"});
  // A second data dir sharing the signing key but not the account: 1400010.
  std::string other = MakeTempDir();
  ASSERT_EQ(RunKrypton({"init", "--data-dir", other}).exit_code, 0);
  std::filesystem::copy_file(dir_ + "/jwt.key", other + "/jwt.key",
                             std::filesystem::copy_options::overwrite_existing);
  std::string valid = admin_.Token(uid_);
  std::unique_ptr<ServerProcess> server;
  ASSERT_TRUE(StartServer(&server, other));
  LineClient app(server->port("app_tcp"));
  EXPECT_EQ(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"x","token":")" + valid +
                      "\"}}"),
            R"({"msgId":1,"action":"appLoginResp","code":1400010,"desc":"User does not exist"})");
  std::this_thread::sleep_for(2100ms);
  Start();
  LineClient late(server_->port("app_tcp"));
  EXPECT_EQ(Field(*late.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"x","token":")" +
                             short_lived + "\"}}"),
                  "/code"),
            "1400002");
}

TEST_F(AppHubBlackBoxTest, IoBrokerStyleWebSocketSessionWithTheDeviceSimulator) {
  Start();
  // The simulator registers itself; bind it, then let it log in again with its token.
  std::string token_file = dir_ + "/sim.token";
  std::string sim = std::string(KRYPTON_DEVSIM_BINARY) + " --dev-tid SIMWS --dispatch-port " +
                    std::to_string(server_->port("dispatch")) + " --token-file " + token_file +
                    " --run-for 1 > /dev/null 2>&1";
  ASSERT_EQ(std::system(sim.c_str()), 0);
  ASSERT_EQ(admin_.Run({"device", "bind", "--dev-tid", "SIMWS", "--uid", uid_}).exit_code, 0);
  std::string ctrl_key =
      StringField(admin_.Run({"device", "show", "--dev-tid", "SIMWS"}).out, "/ctrlKey");
  sim = std::string(KRYPTON_DEVSIM_BINARY) + " --dev-tid SIMWS --dispatch-port " +
        std::to_string(server_->port("dispatch")) + " --token-file " + token_file +
        " --run-for 15 > " + dir_ + "/sim.log 2>&1 &";
  ASSERT_EQ(std::system(sim.c_str()), 0);
  ASSERT_TRUE(WaitOnline("SIMWS"));

  asio::io_context ioc;
  websocket::stream<asio::ip::tcp::socket> ws(ioc);
  ws.next_layer().connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->port("app_ws"))});
  ws.handshake("127.0.0.1", "/");
  auto send = [&](const std::string& text) { ws.write(asio::buffer(text)); };
  auto read = [&] {
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  };
  ws.text(true);
  // The token comes from the UAA login endpoint, as a real app gets it.
  HttpResult login = HttpRequest(
      server_->port("http"), "POST", "/login",
      R"({"username":"demo@krypton.local","password":")" + password_ + R"(","clientType":"WEB"})");
  ASSERT_EQ(login.status, 200) << login.body;
  send(
      R"({"msgId":52,"action":"appLogin","params":{"appTid":"E897DCA2-0D8A-4531-AC91-9BC0900318D9","token":")" +
      StringField(login.body, "/access_token") + "\"}}");
  EXPECT_EQ(read(), R"({"msgId":52,"action":"appLoginResp","code":200,"desc":"success"})");
  send(R"({"msgId":53,"action":"heartbeat"})");
  EXPECT_EQ(read(), R"({"msgId":53,"action":"heartbeatResp","code":200,"desc":"success"})");
  std::string frame;
  send(
      R"({"msgId":65,"action":"appSend","params":{"appTid":"E897DCA2-0D8A-4531-AC91-9BC0900318D9","data":{"cmdId":2,"power":1},"devTid":"SIMWS","ctrlKey":")" +
      ctrl_key + "\"}}");
  bool answered = false, reported = false;
  for (int i = 0; i < 10 && !(answered && reported); ++i) {
    frame = read();
    if (Field(frame, "/action") == "\"appSendResp\"") {
      answered = true;
      EXPECT_EQ(Field(frame, "/msgId"), "65");
      EXPECT_EQ(Field(frame, "/code"), "200");
      EXPECT_EQ(Field(frame, "/params/devTid"), "\"SIMWS\"");
      EXPECT_EQ(Field(frame, "/params/data"), R"({"cmdId":2,"power":1})");
    } else if (Field(frame, "/action") == "\"devSend\"" &&
               Field(frame, "/params/data/power") == "1") {
      reported = true;
      EXPECT_EQ(Field(frame, "/params/subDevTid"), "null");
      EXPECT_EQ(Field(frame, "/params/ctrlKey"), "\"" + ctrl_key + "\"");
    }
  }
  EXPECT_TRUE(answered);
  EXPECT_TRUE(reported);
}

TEST_F(AppHubBlackBoxTest, TcpAppCommandsAScriptedDevice) {
  Start();
  LineClient dev(server_->port("device"));
  std::string ctrl_key = OnlineBoundDevice(dev, "SCRIPT1");
  LineClient app(server_->port("app_tcp"));
  ASSERT_EQ(Field(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"t1","token":")" +
                            admin_.Token(uid_) + "\"}}"),
                  "/code"),
            "200");
  ASSERT_TRUE(
      app.SendLine(R"({"msgId":"12","action":"appSend","params":{"devTid":"SCRIPT1","ctrlKey":")" +
                   ctrl_key + R"(","appTid":"t1","data":{"cmdId":2,"power":1}}})"));
  auto cmd = dev.ReadLine();
  ASSERT_TRUE(cmd);
  // The device answers without code or params (D25: a success, params filled in).
  ASSERT_TRUE(dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                           R"(,"action":"appSendResp","desc":"success"})"));
  EXPECT_EQ(
      *app.ReadLine(),
      R"({"msgId":"12","action":"appSendResp","code":200,"desc":"success","params":{"devTid":"SCRIPT1","data":{"cmdId":2,"power":1}}})");
  // Errors of the table, each answered in the situation the spec gives.
  EXPECT_EQ(
      Field(
          *app.Call(
              R"({"msgId":2,"action":"appSend","params":{"devTid":"NOSUCH","ctrlKey":"x","data":{}}})"),
          "/code"),
      "1400022");
  EXPECT_EQ(
      Field(
          *app.Call(
              R"({"msgId":3,"action":"appSend","params":{"devTid":"SCRIPT1","ctrlKey":"wrong","data":{}}})"),
          "/code"),
      "1400012");
  EXPECT_EQ(
      Field(*app.Call(R"({"msgId":4,"action":"appSend","params":{"devTid":"SCRIPT1","ctrlKey":")" +
                      ctrl_key + R"(","appTid":"other","data":{}}})"),
            "/code"),
      "1400023");
  dev.Close();
  EXPECT_EQ(*app.ReadLine(),
            R"({"msgId":0,"action":"devLogout","params":{"devTid":"SCRIPT1","subDevTid":null}})");
  EXPECT_EQ(*app.Call(R"({"msgId":5,"action":"appSend","params":{"devTid":"SCRIPT1","ctrlKey":")" +
                      ctrl_key + R"(","data":{"cmdId":0}}})"),
            R"({"msgId":5,"action":"appSendResp","code":1400018,"desc":"Device not online"})");
}

// Session rules on both transports: actions before login (1400019), the newest login of
// an appTid wins across transports (D8), and silent apps are closed after the idle
// timeout while heartbeats keep an app alive.
TEST_F(AppHubBlackBoxTest, SessionRulesOnBothTransports) {
  Start({"hub.idle_timeout_s=1", "hub.idle_grace_s=0"});
  std::string login = R"({"msgId":1,"action":"appLogin","params":{"appTid":"phone","token":")" +
                      admin_.Token(uid_) + "\"}}";
  asio::io_context ioc;
  websocket::stream<asio::ip::tcp::socket> ws(ioc);
  ws.next_layer().connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->port("app_ws"))});
  ws.handshake("127.0.0.1", "/");
  ws.text(true);
  auto ws_call = [&](const std::string& text) {
    ws.write(asio::buffer(text));
    beast::flat_buffer b;
    ws.read(b);
    return beast::buffers_to_string(b.data());
  };
  EXPECT_EQ(ws_call(R"({"msgId":2,"action":"appSend","params":{}})"),
            R"({"msgId":2,"action":"appSendResp","code":1400019,"desc":"App is not logged in"})");
  EXPECT_EQ(Field(ws_call(login), "/code"), "200");

  // The same appTid over TCP: the WebSocket session is told and closed.
  LineClient tcp(server_->port("app_tcp"));
  EXPECT_EQ(Field(*tcp.Call(login), "/code"), "200");
  beast::flat_buffer b;
  ws.read(b);
  EXPECT_EQ(beast::buffers_to_string(b.data()),
            R"({"msgId":0,"action":"errorResp","code":1400009,"desc":"App repeat login"})");
  beast::error_code ec;
  b.clear();
  ws.read(b, ec);
  EXPECT_TRUE(ec) << "the replaced session must be closed";

  // Heartbeats keep a TCP app alive past the timeout; a silent one is closed. Event
  // driven: `busy` beats until the server closes `silent` (logged in first, so it has
  // been idle for the whole timeout by then), however slow the build is.
  LineClient silent(server_->port("app_tcp"));
  const auto silent_since = std::chrono::steady_clock::now();
  EXPECT_EQ(
      Field(*silent.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"quiet","token":")" +
                         admin_.Token(uid_) + "\"}}"),
            "/code"),
      "200");
  LineClient busy(server_->port("app_tcp"));
  EXPECT_EQ(
      Field(*busy.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"busy","token":")" +
                       admin_.Token(uid_) + "\"}}"),
            "/code"),
      "200");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  int beats = 0;
  while (!silent.WaitClosed(200ms)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the silent app was never closed";
    ASSERT_EQ(Field(*busy.Call(R"({"msgId":3,"action":"heartbeat"})"), "/code"), "200") << beats;
    ++beats;
  }
  EXPECT_GE(std::chrono::steady_clock::now() - silent_since, 1s)
      << "the silent app was closed before its idle timeout";
  EXPECT_EQ(Field(*busy.Call(R"({"msgId":3,"action":"heartbeat"})"), "/code"), "200")
      << "the beating app outlives the silent one";
}

TEST_F(AppHubBlackBoxTest, WssAndTlsAppPorts) {
  std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                    " -days 1 -subj /CN=localhost >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Start(
      {"tls.cert_file=" + cert, "tls.key_file=" + key, "hub.app.tls_port=0", "hub.app.wss_port=0"});
  std::string login =
      R"({"msgId":0,"action":"appLogin","params":{"appTid":"hekr_python_connector","token":")" +
      admin_.Token(uid_) + "\"}}";
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  // WSS, as hekrapi connects (https://host:186/).
  websocket::stream<beast::ssl_stream<asio::ip::tcp::socket>> wss(ioc, ctx);
  beast::get_lowest_layer(wss).connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->port("app_wss"))});
  wss.next_layer().handshake(asio::ssl::stream_base::client);
  wss.handshake("127.0.0.1", "/");
  wss.text(true);
  wss.write(asio::buffer(login));
  beast::flat_buffer b;
  wss.read(b);
  EXPECT_EQ(beast::buffers_to_string(b.data()),
            R"({"msgId":0,"action":"appLoginResp","code":200,"desc":"success"})");
  // JSON lines over TLS.
  asio::ssl::stream<asio::ip::tcp::socket> tls(ioc, ctx);
  tls.next_layer().connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->port("app_tls"))});
  tls.handshake(asio::ssl::stream_base::client);
  std::string line = R"({"msgId":0,"action":"appLogin","params":{"appTid":"tls-app","token":")" +
                     admin_.Token(uid_) + "\"}}\n";
  asio::write(tls, asio::buffer(line));
  asio::streambuf buf;
  asio::read_until(tls, buf, '\n');
  std::string got(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
  EXPECT_EQ(Field(got.substr(0, got.find('\n')), "/code"), "200");
}

}  // namespace
}  // namespace krypton::testing
