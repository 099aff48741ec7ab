// Black-box: connections that never log in (issue 14 §4, docs/security/conns.md) — the
// absolute login deadline on the device, app TCP, app WebSocket and dispatch listeners,
// the per-IP bound on pre-login connections, the descriptor reserve that keeps /healthz
// and logged-in devices working at RLIMIT_NOFILE, and the rate-limited accept-failure log.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using Clock = std::chrono::steady_clock;

const std::string kHeartbeat = R"({"msgId":1,"action":"heartbeat"})";

std::string DevLogin(const std::string& dev_tid) {
  return R"({"msgId":"1","action":"devLogin","params":{"devTid":")" + dev_tid +
         R"(","prodKey":"xxxxxx","token":""}})";
}

// Lines of `text` containing `needle`.
int CountLines(const std::string& text, const std::string& needle) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// The value of the Prometheus series `series` (e.g. `name{label="x"}`) in `text`, or -1.
long long Metric(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::atoll(text.c_str() + at + series.size() + 2);
}

class ConnectionLimitsTest : public KryptonTest {
 protected:
  void SetUp() override { admin_.Demo(); }

  // Starts the server on dir_ with RLIMIT_NOFILE = nofile (0 = inherited).
  ::testing::AssertionResult ServeLimited(std::vector<std::string> sets, int nofile) {
    ServerProcess::Options o;
    o.data_dir = dir_;
    o.sets = std::move(sets);
    o.rlimit_nofile = nofile;
    ::testing::AssertionResult started = StartServer(&server_, o);
    if (started) api_ = ApiClient(server_->port("http"));
    return started;
  }

  // A device logged in on `dev` (a new demo devTid).
  void LogIn(LineClient& dev, const std::string& dev_tid) {
    ASSERT_TRUE(dev.connected());
    auto r = dev.Call(DevLogin(dev_tid));
    ASSERT_TRUE(r.has_value()) << dev_tid;
    ASSERT_EQ(Field(*r, "/code"), "200") << *r;
  }

  // The heartbeat answer's code on `c`, or "closed".
  static std::string Beat(LineClient& c, std::chrono::milliseconds timeout = 2s) {
    auto r = c.Call(kHeartbeat, timeout);
    return r ? Field(*r, "/code") : "closed";
  }
};

// (a) Bytes and heartbeats before login do not extend hub.login_timeout_s: it counts from
// accept, on every hub listener; a connection that logged in in time stays.
TEST_F(ConnectionLimitsTest, LoginDeadlineIsAbsoluteFromAccept) {
  ASSERT_TRUE(Serve({"hub.login_timeout_s=2", "hub.idle_timeout_s=30", "hub.idle_grace_s=0"}));
  auto start = Clock::now();
  LineClient dev_beats(server_->port("device"));
  LineClient dev_bytes(server_->port("device"));
  LineClient app_beats(server_->port("app_tcp"));
  LineClient dispatch_beats(server_->port("dispatch"));
  LineClient logged_in(server_->port("device"));
  asio::io_context ioc;
  websocket::stream<asio::ip::tcp::socket> ws(ioc);
  ws.next_layer().connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server_->port("app_ws"))});
  ws.handshake("127.0.0.1", "/");
  ws.text(true);
  LogIn(logged_in, "DEADLINE_OK");

  struct Watch {
    const char* name;
    std::function<bool()> alive;  // one sign of life: false once the server closed
    Clock::duration closed_after{};
    bool closed = false;
  };
  std::vector<Watch> watches = {
      {"device, heartbeats", [&] { return Beat(dev_beats) == "200"; }},
      {"device, a byte at a time",
       [&] { return dev_bytes.SendRaw(" ") && !dev_bytes.WaitClosed(50ms); }},
      {"app TCP, heartbeats", [&] { return Beat(app_beats) == "200"; }},
      {"dispatch, heartbeats", [&] { return Beat(dispatch_beats) == "200"; }},
      {"app WebSocket, heartbeats",
       [&] {
         beast::error_code ec;
         ws.write(asio::buffer(kHeartbeat), ec);
         if (ec) return false;
         beast::flat_buffer b;
         ws.read(b, ec);
         return !ec && Field(beast::buffers_to_string(b.data()), "/code") == "200";
       }},
  };
  while (Clock::now() - start < 4s) {
    for (Watch& w : watches) {
      if (w.closed || w.alive()) continue;
      w.closed = true;
      w.closed_after = Clock::now() - start;
    }
    ASSERT_EQ(Beat(logged_in), "200") << "a device that logged in in time stays";
    std::this_thread::sleep_for(300ms);
  }
  for (const Watch& w : watches) {
    EXPECT_TRUE(w.closed) << w.name << " outlived the login deadline";
    if (!w.closed) continue;
    EXPECT_GE(w.closed_after, 1500ms) << w.name;
    EXPECT_LE(w.closed_after, 3500ms) << w.name;
  }
}

// (b) net.max_prelogin_per_ip: the N+1th pre-login connection of an address is closed at
// accept, counted and logged; logged-in devices and other listeners are not affected, and
// the count drops when a connection logs in or closes.
TEST_F(ConnectionLimitsTest, PreloginConnectionsPerIpAreBounded) {
  ASSERT_TRUE(Serve({"net.max_prelogin_per_ip=3"}));
  const int port = server_->port("device");
  LineClient device(port);
  LogIn(device, "PERIP_DEVICE");
  LineClient p1(port), p2(port), p3(port);
  EXPECT_EQ(Beat(p1), "200");
  EXPECT_EQ(Beat(p2), "200");
  EXPECT_EQ(Beat(p3), "200");
  LineClient refused(port);
  EXPECT_TRUE(refused.WaitClosed(2s)) << "the 4th pre-login connection must be closed";
  EXPECT_EQ(Beat(device), "200") << "the logged-in device is not affected";
  LineClient app(server_->port("app_tcp"));  // the bound is per listener
  EXPECT_EQ(Beat(app), "200");

  // A login frees its place…
  LogIn(p1, "PERIP_P1");
  LineClient p4(port);
  EXPECT_EQ(Beat(p4), "200");
  LineClient refused2(port);
  EXPECT_TRUE(refused2.WaitClosed(2s));
  // …and so does a close.
  p2.Close();
  std::this_thread::sleep_for(300ms);
  LineClient p5(port);
  EXPECT_EQ(Beat(p5), "200");

  auto metrics = api_.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(Metric(metrics.body,
                   "krypton_connections_refused_total{listener=\"device\","
                   "reason=\"prelogin_per_ip\"}"),
            2)
      << metrics.body;
  EXPECT_EQ(Metric(metrics.body, "krypton_connections_prelogin{listener=\"device\"}"), 3)
      << metrics.body;
  // One warning line (rate-limited: the second refusal falls in the same interval).
  EXPECT_EQ(CountLines(server_->Stderr(), "pre-login connections per IP reached"), 1)
      << server_->Stderr();
}

// (c) net.fd_reserve: at a low RLIMIT_NOFILE, pre-login connections are refused before the
// descriptors run out, so /healthz and a logged-in device keep working.
TEST_F(ConnectionLimitsTest, DescriptorReserveKeepsHttpAndLoggedInDevices) {
  ASSERT_TRUE(ServeLimited({"net.fd_reserve=40", "net.max_prelogin_per_ip=0"}, 128));
  const int port = server_->port("device");
  LineClient device(port);
  LogIn(device, "RESERVE_DEVICE");
  std::vector<std::unique_ptr<LineClient>> flood;
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) {
    auto c = std::make_unique<LineClient>(port);
    ASSERT_TRUE(c->connected()) << i;
    auto r = c->Call(kHeartbeat, 2s);
    if (r) {
      ASSERT_EQ(Field(*r, "/code"), "200") << i;
      flood.push_back(std::move(c));
      continue;
    }
    refused = true;
    EXPECT_TRUE(c->WaitClosed(1s)) << "refused at accept, not left in the backlog";
  }
  ASSERT_TRUE(refused) << "pre-login connections were never refused";
  EXPECT_GT(flood.size(), 20u);
  EXPECT_LT(flood.size(), 100u) << "the reserve leaves 40 of 128 descriptors";
  for (int i = 0; i < 5; ++i) {
    auto health = api_.Get("/healthz");
    EXPECT_EQ(health.status, 200) << health.error;
  }
  EXPECT_EQ(Beat(device), "200");
  LineClient again(port);
  EXPECT_TRUE(again.WaitClosed(2s)) << "still at the ceiling: refused";
  auto metrics = api_.Get("/metrics");
  EXPECT_EQ(Metric(metrics.body,
                   "krypton_connections_refused_total{listener=\"device\",reason=\"fd_reserve\"}"),
            2)
      << metrics.body;
  EXPECT_EQ(CountLines(server_->Stderr(), "descriptor reserve"), 1) << server_->Stderr();
}

// (d) At the descriptor limit the accept loop backs off and logs one line per interval
// per listener (main logged one every 50 ms).
TEST_F(ConnectionLimitsTest, AcceptFailuresAreLoggedRateLimited) {
  ASSERT_TRUE(ServeLimited({"net.fd_reserve=0", "net.max_prelogin_per_ip=0",
                            "net.log_interval_s=10", "net.accept_backoff_max_ms=1000"},
                           64));
  const int port = server_->port("device");
  std::vector<std::unique_ptr<LineClient>> flood;
  for (int i = 0; i < 80; ++i) flood.push_back(std::make_unique<LineClient>(port));
  std::this_thread::sleep_for(2500ms);
  std::string err = server_->Stderr();
  int lines = CountLines(err, "device: accept failed");
  EXPECT_GE(lines, 1) << "the descriptors never ran out:\n" << err;
  EXPECT_LE(lines, 2) << err;
  // Every listener fails alike while no descriptor is free: each logs alike.
  EXPECT_LE(CountLines(err, "accept failed"), 12) << err;
  // Descriptors come back: the listeners accept again within the back-off bound.
  flood.clear();
  HttpResult health;
  for (int i = 0; i < 20 && health.status != 200; ++i) {
    std::this_thread::sleep_for(250ms);
    health = api_.Get("/healthz");
  }
  EXPECT_EQ(health.status, 200) << health.error;
  auto metrics = api_.Get("/metrics");
  EXPECT_GE(Metric(metrics.body, "krypton_accept_errors_total{listener=\"device\"}"), 1)
      << metrics.body;
}

}  // namespace
}  // namespace krypton::testing
