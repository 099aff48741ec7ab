#include "api_client.h"

#include <simdjson.h>

#include <chrono>
#include <thread>

#include "json_field.h"

namespace krypton::testing {
namespace {

std::string Joined(const std::vector<std::string>& args) {
  std::string out = "krypton";
  for (const std::string& a : args) out += " " + a;
  return out;
}

// Adds the caller's file and line to the failures recorded while it lives.
class Trace {
 public:
  explicit Trace(const Where& where)
      : trace_(where.file_name(), static_cast<int>(where.line()), "called here") {}

 private:
  ::testing::ScopedTrace trace_;
};

}  // namespace

CommandResult AdminCli::Run(std::vector<std::string> args) const {
  args.insert(args.begin(), "admin");
  args.insert(args.end(), {"--data-dir", data_dir_});
  return RunKrypton(args);
}

std::string AdminCli::Ok(std::vector<std::string> args, Where where) const {
  Trace trace(where);
  CommandResult r = Run(args);
  args.insert(args.begin(), "admin");
  EXPECT_EQ(r.exit_code, 0) << Joined(args) << "\n" << r.err;
  return r.out;
}

std::string AdminCli::Json(std::vector<std::string> args, Where where) const {
  args.push_back("--json");
  return Ok(std::move(args), where);
}

AdminCli::DemoAccount AdminCli::Demo(Where where) const {
  std::string out = Json({"demo"}, where);
  return {StringField(out, "/uid"), StringField(out, "/email"), StringField(out, "/password")};
}

void AdminCli::CreateManufacturer(const std::string& pid, const std::string& name,
                                  Where where) const {
  Ok({"manufacturer", "create", "--pid", pid, "--name", name}, where);
}

std::string AdminCli::ServerKey(const std::string& pid, Where where) const {
  return StringField(Json({"manufacturer", "key", "--pid", pid}, where), "/serverKey");
}

std::string AdminCli::CreateUser(const std::string& email, const std::string& password,
                                 const std::string& pid, Where where) const {
  std::vector<std::string> args = {"user", "create", "--email", email, "--password", password};
  if (!pid.empty()) args.insert(args.end(), {"--pid", pid});
  return StringField(Json(args, where), "/uid");
}

std::string AdminCli::Token(const std::string& uid, const std::vector<std::string>& extra,
                            Where where) const {
  std::vector<std::string> args = {"token", "issue", "--uid", uid};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string out = Ok(args, where);
  return out.substr(0, out.find('\n'));
}

void AdminCli::AddMember(const std::string& pid, const std::string& uid, const std::string& role,
                         Where where) const {
  Json({"manufacturer", "member", "add", "--pid", pid, "--uid", uid, "--role", role}, where);
}

::testing::AssertionResult StartServer(std::unique_ptr<ServerProcess>* server,
                                       const ServerProcess::Options& options) {
  std::string error;
  *server = ServerProcess::Start(options, &error);
  if (*server == nullptr) return ::testing::AssertionFailure() << "krypton serve: " << error;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult StartServer(std::unique_ptr<ServerProcess>* server,
                                       const std::string& data_dir, std::vector<std::string> sets) {
  ServerProcess::Options o;
  o.data_dir = data_dir;
  o.sets = std::move(sets);
  return StartServer(server, o);
}

std::string Bearer(const std::string& token) { return "Bearer " + token; }

HttpResult ApiClient::Request(const std::string& method, const std::string& target,
                              const std::string& body, const Headers& headers) const {
  return HttpRequest(port_, method, target, body, headers);
}

HttpResult ApiClient::Get(const std::string& target, const Headers& headers) const {
  return Request("GET", target, "", headers);
}

HttpResult ApiClient::Post(const std::string& target, const std::string& body,
                           const Headers& headers) const {
  return Request("POST", target, body, headers);
}

HttpResult ApiClient::Ent(const std::string& auth, const std::string& method,
                          const std::string& path, const std::string& body,
                          const Headers& headers) const {
  Headers all = {{"Authorization", auth.rfind("Bearer ", 0) == 0 ? auth : "key=" + auth}};
  all.insert(all.end(), headers.begin(), headers.end());
  return Request(method, path, body, all);
}

HttpResult ApiClient::AsUser(const std::string& token, const std::string& method,
                             const std::string& path, const std::string& body) const {
  return Request(method, path, body, {{"Authorization", Bearer(token)}});
}

std::string ApiClient::Login(const std::string& username, const std::string& password,
                             const std::string& pid, Where where) const {
  Trace trace(where);
  std::string body = R"({"username":")" + username + R"(","password":")" + password + "\"";
  if (!pid.empty()) body += R"(,"pid":")" + pid + "\"";
  HttpResult r = Post("/login", body + "}");
  EXPECT_EQ(r.status, 200) << "POST /login as " << username << ": " << r.body;
  return StringField(r.body, "/access_token");
}

std::string BindDemoDevice(LineClient& dev, const ApiClient& api, const std::string& token,
                           const std::string& dev_tid, Where where) {
  Trace trace(where);
  std::string login = dev.Call(R"({"msgId":"1","action":"devLogin","params":{"devTid":")" +
                               dev_tid + R"(","prodKey":"xxxxxx","token":""}})")
                          .value_or("");
  EXPECT_EQ(Field(login, "/code"), "200") << dev_tid << ": " << login;
  HttpResult bound = api.AsUser(token, "POST", "/device",
                                R"({"devTid":")" + dev_tid + R"(","bindKey":")" +
                                    StringField(login, "/params/bindKey") + "\"}");
  EXPECT_EQ(bound.status, 201) << bound.body;
  return StringField(login, "/params/ctrlKey");
}

void ExpectApiError(const HttpResult& r, int status, const std::string& code,
                    const std::string& desc, Where where) {
  ExpectApiCode(r, status, code, where);
  Trace trace(where);
  EXPECT_EQ(StringField(r.body, "/desc"), desc) << r.body;
}

void ExpectApiCode(const HttpResult& r, int status, const std::string& code, Where where) {
  Trace trace(where);
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(Field(r.body, "/code"), code) << r.body;
}

void ExpectCliFailure(const CommandResult& r, const std::string& message, Where where) {
  Trace trace(where);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "krypton: " + message + "\n");
  EXPECT_EQ(r.out, "");
}

std::vector<std::string> StringFields(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return {"<bad json>"};
  simdjson::dom::array items;
  if (root.get_array().get(items) != simdjson::SUCCESS) return {"<not an array>"};
  std::vector<std::string> out;
  for (simdjson::dom::element item : items) {
    out.push_back(StringField(simdjson::minify(item), pointer.c_str()));
  }
  return out;
}

::testing::AssertionResult KryptonTest::Serve(std::vector<std::string> sets) {
  ::testing::AssertionResult started = StartServer(&server_, dir_, std::move(sets));
  if (started) api_ = ApiClient(server_->port("http"));
  return started;
}

::testing::AssertionResult KryptonTest::ServeTestClock(std::vector<std::string> sets) {
  ServerProcess::Options o;
  o.data_dir = dir_;
  o.sets = std::move(sets);
  o.args = {"--test-clock"};
  ::testing::AssertionResult started = StartServer(&server_, o);
  if (started) api_ = ApiClient(server_->port("http"));
  return started;
}

namespace {

int64_t ClockRequest(const ApiClient& api, const std::string& body, Where where) {
  Trace trace(where);
  HttpResult r = api.Post("/test/clock", body);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return 0;
  return std::stoll(Field(r.body, "/nowMs"));
}

}  // namespace

int64_t KryptonTest::SetClock(int64_t now_ms, Where where) {
  return ClockRequest(api_, "{\"nowMs\":" + std::to_string(now_ms) + "}", where);
}

int64_t KryptonTest::AdvanceClock(int64_t ms, Where where) {
  return ClockRequest(api_, "{\"advanceMs\":" + std::to_string(ms) + "}", where);
}

::testing::AssertionResult KryptonTest::ServeUncached(std::vector<std::string> sets) {
  sets.insert(sets.begin(), "hub.access_cache_ms=0");
  return Serve(std::move(sets));
}

bool KryptonTest::WaitOnline(const std::string& dev_tid, bool online,
                             std::chrono::milliseconds timeout) {
  const std::string want = online ? "true" : "false";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (Field(admin_.Run({"device", "show", "--dev-tid", dev_tid}).out, "/online") == want) {
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace krypton::testing
