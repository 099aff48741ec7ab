// Black-box: `krypton serve` on free ports — health, HTTP error shapes, limits,
// graceful shutdown, restart on an existing data dir, secrets kept out of the log.
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "api_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

std::unique_ptr<ServerProcess> StartOrFail(const ServerProcess::Options& o = {}) {
  std::unique_ptr<ServerProcess> server;
  EXPECT_TRUE(StartServer(&server, o));
  return server;
}

TEST(ServeTest, HealthzThenCleanSigterm) {
  auto server = StartOrFail();
  ASSERT_TRUE(server);
  ASSERT_GT(server->port("http"), 0);
  HttpResult r = HttpRequest(server->port("http"), "GET", "/healthz");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, R"({"status":"ok"})");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(server->Stop(SIGTERM, 10000), 0) << server->Stderr();
  EXPECT_NE(server->Stderr().find("stopped"), std::string::npos);
}

TEST(ServeTest, SigintAlsoStopsCleanly) {
  auto server = StartOrFail();
  ASSERT_TRUE(server);
  EXPECT_EQ(server->Stop(SIGINT, 10000), 0);
}

TEST(ServeTest, PrintsEveryEndpoint) {
  auto server = StartOrFail();
  ASSERT_TRUE(server);
  std::string out = server->Stdout();
  for (const char* name : {"http", "dispatch", "device", "app_tcp", "app_ws"}) {
    EXPECT_NE(out.find(std::string("  ") + name), std::string::npos) << name << "\n" << out;
  }
}

TEST(ServeTest, UnknownPathAndMethodFollowD23) {
  auto server = StartOrFail();
  ASSERT_TRUE(server);
  int port = server->port("http");
  HttpResult r = HttpRequest(port, "GET", "/no/such/path");
  EXPECT_EQ(r.status, 404);
  simdjson::dom::parser parser;
  simdjson::dom::element body;
  ASSERT_EQ(parser.parse(r.body).get(body), simdjson::SUCCESS) << r.body;
  EXPECT_EQ(int64_t(body["code"]), 5400000);
  EXPECT_EQ(std::string_view(body["desc"]), "Error");
  int64_t ts = body["timestamp"];
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_LT(std::abs(now - ts), 60000);
  HttpResult m = HttpRequest(port, "POST", "/healthz", "{}");
  EXPECT_EQ(m.status, 405);
  EXPECT_NE(m.body.find(R"("code":5400000)"), std::string::npos);
}

TEST(ServeTest, CorsPreflightAndHeader) {
  auto server = StartOrFail();
  ASSERT_TRUE(server);
  HttpResult pre = HttpRequest(server->port("http"), "OPTIONS", "/device", "",
                               {{"Origin", "http://h5.example"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.headers["access-control-allow-origin"], "*");
  EXPECT_NE(pre.headers["access-control-allow-headers"].find("Authorization"), std::string::npos);
  HttpResult get = HttpRequest(server->port("http"), "GET", "/healthz");
  EXPECT_EQ(get.headers["access-control-allow-origin"], "*");
}

TEST(ServeTest, CorsListEchoesOnlyListedOrigins) {
  ServerProcess::Options o;
  o.sets = {"http.cors_origins=http://a.example, http://b.example"};
  auto server = StartOrFail(o);
  ASSERT_TRUE(server);
  HttpResult ok =
      HttpRequest(server->port("http"), "GET", "/healthz", "", {{"Origin", "http://b.example"}});
  EXPECT_EQ(ok.headers["access-control-allow-origin"], "http://b.example");
  HttpResult no =
      HttpRequest(server->port("http"), "GET", "/healthz", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(no.headers.count("access-control-allow-origin"), 0u);
}

TEST(ServeTest, OversizedBodyGets413) {
  ServerProcess::Options o;
  o.sets = {"http.max_body_bytes=1024"};
  auto server = StartOrFail(o);
  ASSERT_TRUE(server);
  HttpResult r = HttpRequest(server->port("http"), "POST", "/healthz", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 413);
  // The server is still healthy afterwards.
  EXPECT_EQ(HttpRequest(server->port("http"), "GET", "/healthz").status, 200);
}

TEST(ServeTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = StartOrFail();
  ASSERT_TRUE(server);
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server->port("http"))});
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(s, asio::buffer(req + req));
  std::string got;
  char buf[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
    size_t first = got.find("{\"status\":\"ok\"}");
    if (first != std::string::npos &&
        got.find("{\"status\":\"ok\"}", first + 1) != std::string::npos) {
      break;
    }
  }
  size_t first = got.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos) << got;
  EXPECT_NE(got.find("HTTP/1.1 200", first + 1), std::string::npos) << got;
}

TEST(ServeTest, ShutdownClosesOpenConnectionsWithinBound) {
  ServerProcess::Options o;
  o.sets = {"server.shutdown_timeout_ms=2000"};
  auto server = StartOrFail(o);
  ASSERT_TRUE(server);
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket idle(ioc);
  idle.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server->port("http"))});
  // A half-sent request: the session is mid-read when the signal arrives.
  asio::write(idle, asio::buffer(std::string("GET /healthz HTTP/1.1\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server->Stop(SIGTERM, 10000), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  char c;
  boost::system::error_code ec;
  idle.read_some(asio::buffer(&c, 1), ec);
  EXPECT_TRUE(ec) << "the server should have closed the connection";
}

TEST(ServeTest, RestartOnExistingDataDirKeepsSecretsAndData) {
  std::string dir = MakeTempDir();
  ServerProcess::Options o;
  o.data_dir = dir;
  {
    auto server = StartOrFail(o);
    ASSERT_TRUE(server);
    EXPECT_EQ(server->Stop(SIGTERM, 10000), 0);
  }
  std::ifstream k1(dir + "/jwt.key");
  std::string key1;
  std::getline(k1, key1);
  EXPECT_EQ(key1.size(), 64u);
  auto perms = std::filesystem::status(dir + "/jwt.key").permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  CommandResult demo = RunKrypton({"admin", "demo", "--data-dir", dir, "--json"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  {
    auto server = StartOrFail(o);
    ASSERT_TRUE(server);
    EXPECT_EQ(HttpRequest(server->port("http"), "GET", "/healthz").status, 200);
    EXPECT_EQ(server->Stop(SIGTERM, 10000), 0);
  }
  std::ifstream k2(dir + "/jwt.key");
  std::string key2;
  std::getline(k2, key2);
  EXPECT_EQ(key1, key2);
  CommandResult list = RunKrypton({"admin", "product", "list", "--data-dir", dir, "--json"});
  EXPECT_NE(list.out.find("DEMOSOCKET01"), std::string::npos) << list.out;
}

TEST(ServeTest, PortInUseFailsWithClearMessage) {
  auto first = StartOrFail();
  ASSERT_TRUE(first);
  std::string dir = MakeTempDir();
  CommandResult r = RunKrypton({"serve", "--data-dir", dir, "--set", "listen.address=127.0.0.1",
                                "--set", "http.port=" + std::to_string(first->port("http"))});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(first->port("http"))),
            std::string::npos)
      << r.err;
}

TEST(ServeTest, BadConfigurationExitsWith2) {
  std::string dir = MakeTempDir();
  CommandResult r = RunKrypton({"serve", "--data-dir", dir, "--set", "hub.idle_timeout_s=0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("hub.idle_timeout_s: must be >= 1"), std::string::npos) << r.err;
}

TEST(ServeTest, SecretsNeverReachTheLog) {
  std::string dir = MakeTempDir();
  CommandResult demo = RunKrypton({"admin", "demo", "--data-dir", dir, "--json"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  simdjson::dom::parser parser;
  simdjson::dom::element d;
  ASSERT_EQ(parser.parse(demo.out).get(d), simdjson::SUCCESS) << demo.out;
  std::string password{std::string_view(d["password"])};
  ServerProcess::Options o;
  o.data_dir = dir;
  o.sets = {"log.level=trace"};
  auto server = StartOrFail(o);
  ASSERT_TRUE(server);
  HttpRequest(server->port("http"), "GET", "/healthz");
  ASSERT_EQ(server->Stop(SIGTERM, 10000), 0);
  std::ifstream k(dir + "/jwt.key");
  std::string key;
  std::getline(k, key);
  std::string log = server->Stderr() + server->Stdout();
  EXPECT_EQ(log.find(key), std::string::npos);
  EXPECT_EQ(log.find(password), std::string::npos);
  EXPECT_EQ(demo.err.find(password), std::string::npos);
}

TEST(ServeTest, JsonLogFormat) {
  ServerProcess::Options o;
  o.sets = {"log.format=json"};
  auto server = StartOrFail(o);
  ASSERT_TRUE(server);
  ASSERT_EQ(server->Stop(SIGTERM, 10000), 0);
  std::istringstream lines(server->Stderr());
  std::string line;
  int parsed = 0;
  simdjson::dom::parser parser;
  while (std::getline(lines, line)) {
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << line;
    EXPECT_TRUE(e["level"].is_string());
    EXPECT_TRUE(e["msg"].is_string());
    ++parsed;
  }
  EXPECT_GE(parsed, 2);  // at least "shutting down" and "stopped"
}

TEST(ServeTest, HttpsWhenACertificateIsConfigured) {
  std::string dir = MakeTempDir();
  std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                    " -days 1 -subj /CN=localhost >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerProcess::Options o;
  o.sets = {"tls.cert_file=" + cert, "tls.key_file=" + key, "http.tls_port=0"};
  auto server = StartOrFail(o);
  ASSERT_TRUE(server);
  ASSERT_GT(server->port("https"), 0);
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  beast::get_lowest_layer(stream).connect(
      {asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server->port("https"))});
  stream.handshake(asio::ssl::stream_base::client);
  beast::http::request<beast::http::string_body> req(beast::http::verb::get, "/healthz", 11);
  req.set(beast::http::field::host, "localhost");
  beast::http::write(stream, req);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buf, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"status":"ok"})");
  EXPECT_EQ(server->Stop(SIGTERM, 10000), 0);
}

}  // namespace
}  // namespace krypton::testing
