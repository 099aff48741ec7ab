// Test support: one client for what the black-box tests do again and again — run
// `krypton admin …` on a data directory, start the server on it, call the user and
// enterprise HTTP APIs, bind a demo device, and check an error answer or a CLI refusal
// exactly. KryptonTest is the fixture base that holds the four together.
//
// Contract:
// - Nothing here retries, caches, reorders or rewrites: a helper runs the `krypton`
//   commands and sends the HTTP requests (HttpRequest of server_process.h) its comment
//   names, once each, and returns the answer as it came.
// - A helper that "expects" something records a non-fatal gtest failure (EXPECT_*) that
//   names the command or request and the caller's file and line (the trailing `where`
//   argument, left to its default), and goes on with what it got ("" when nothing); it
//   never aborts the test. Where a test cannot go on, use the helpers that return an
//   ::testing::AssertionResult under ASSERT_TRUE.
// - AdminCli passes the arguments as given, followed by `--data-dir DIR` (and `--json`
//   for Json()); the order of options does not matter to the CLI.
// - ApiClient sends to 127.0.0.1:port only the headers its method names.
// - ExpectApiError / ExpectApiCode compare the status, the "code" member (as JSON text)
//   and the "desc" member (as a string) exactly; ExpectCliFailure compares exit code 1,
//   stderr and an empty stdout exactly.
#ifndef KRYPTON_TESTS_SUPPORT_API_CLIENT_H_
#define KRYPTON_TESTS_SUPPORT_API_CLIENT_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <source_location>
#include <string>
#include <utility>
#include <vector>

#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;
using Where = std::source_location;

// `krypton admin …` on one data directory.
class AdminCli {
 public:
  // What `admin demo --json` prints that the tests use.
  struct DemoAccount {
    std::string uid;
    std::string email;
    std::string password;
  };

  explicit AdminCli(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  const std::string& data_dir() const { return data_dir_; }

  // `krypton admin ARGS… --data-dir DIR`, as it ran: no expectation.
  CommandResult Run(std::vector<std::string> args) const;
  // The same, expecting exit 0: its stdout.
  std::string Ok(std::vector<std::string> args, Where where = Where::current()) const;
  // `krypton admin ARGS… --data-dir DIR --json`, expecting exit 0: its stdout.
  std::string Json(std::vector<std::string> args, Where where = Where::current()) const;

  // `admin demo` (the demo manufacturer, product and account).
  DemoAccount Demo(Where where = Where::current()) const;
  // `admin manufacturer create --pid PID --name NAME`.
  void CreateManufacturer(const std::string& pid, const std::string& name,
                          Where where = Where::current()) const;
  // The serverKey of manufacturer PID (`admin manufacturer key`).
  std::string ServerKey(const std::string& pid, Where where = Where::current()) const;
  // `admin user create` (with --pid when PID is not ""): the new account's uid.
  std::string CreateUser(const std::string& email, const std::string& password,
                         const std::string& pid = "", Where where = Where::current()) const;
  // An access token of account UID, as `admin token issue --uid UID EXTRA…` prints it
  // (without the newline).
  std::string Token(const std::string& uid, const std::vector<std::string>& extra = {},
                    Where where = Where::current()) const;
  // `admin manufacturer member add --pid PID --uid UID --role ROLE`: account UID becomes a
  // console member of PID (D28), expecting exit 0.
  void AddMember(const std::string& pid, const std::string& uid, const std::string& role,
                 Where where = Where::current()) const;

 private:
  std::string data_dir_;
};

// Starts `krypton serve` with `options` into *server (nullptr when it did not start; the
// result then carries the reason). For ASSERT_TRUE.
::testing::AssertionResult StartServer(std::unique_ptr<ServerProcess>* server,
                                       const ServerProcess::Options& options);
// The same on DATA_DIR with these extra `--set key=value`.
::testing::AssertionResult StartServer(std::unique_ptr<ServerProcess>* server,
                                       const std::string& data_dir,
                                       std::vector<std::string> sets = {});

// The Authorization header value for a user's access token: "Bearer TOKEN".
std::string Bearer(const std::string& token);

// HTTP requests to one server's HTTP port.
class ApiClient {
 public:
  ApiClient() = default;  // port 0: every request fails (status 0)
  explicit ApiClient(int port) : port_(port) {}
  int port() const { return port_; }

  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "", const Headers& headers = {}) const;
  HttpResult Get(const std::string& target, const Headers& headers = {}) const;
  HttpResult Post(const std::string& target, const std::string& body,
                  const Headers& headers = {}) const;

  // The enterprise API: AUTH is a server key, sent as `Authorization: key=AUTH`, or a
  // console token already written "Bearer …", sent as it is. `headers` are added after.
  HttpResult Ent(const std::string& auth, const std::string& method, const std::string& path,
                 const std::string& body = "", const Headers& headers = {}) const;
  // The user (app) API with an access token: `Authorization: Bearer TOKEN`.
  HttpResult AsUser(const std::string& token, const std::string& method, const std::string& path,
                    const std::string& body = "") const;
  // POST /login {"username","password"} (and "pid" when PID is not ""), expecting 200:
  // the access_token.
  std::string Login(const std::string& username, const std::string& password,
                    const std::string& pid = "", Where where = Where::current()) const;

 private:
  int port_ = 0;
};

// Logs device DEV_TID of the demo product (prodKey "xxxxxx") in on `dev` and binds it
// over HTTP (POST /device with its bindKey) to the user of access token TOKEN, expecting
// the login and a 201: the device's ctrlKey.
std::string BindDemoDevice(LineClient& dev, const ApiClient& api, const std::string& token,
                           const std::string& dev_tid, Where where = Where::current());

// An error answer: this HTTP status, "code" (its JSON text, e.g. "8400002") and "desc".
void ExpectApiError(const HttpResult& r, int status, const std::string& code,
                    const std::string& desc, Where where = Where::current());
// The same without looking at "desc".
void ExpectApiCode(const HttpResult& r, int status, const std::string& code,
                   Where where = Where::current());

// A refused CLI command: exit 1, stderr "krypton: MESSAGE\n", nothing on stdout.
void ExpectCliFailure(const CommandResult& r, const std::string& message,
                      Where where = Where::current());

// The StringField at POINTER (e.g. "/devTid") of each element of the JSON array JSON, in
// order; {"<not an array>"} or {"<bad json>"} when JSON is not an array.
std::vector<std::string> StringFields(const std::string& json, const std::string& pointer);

// A fixture base: a fresh data directory (dir_, left for post-mortem) with its AdminCli,
// and the server that Serve() starts on it, with api_ pointed at its HTTP port.
class KryptonTest : public ::testing::Test {
 protected:
  // Starts `krypton serve` on dir_ with these extra `--set key=value` into server_ (the
  // one before, if any, is stopped once the new one runs). For ASSERT_TRUE.
  ::testing::AssertionResult Serve(std::vector<std::string> sets = {});
  // Serve with hub.access_cache_ms=0 first: for tests that change bindings through the
  // admin CLI (another process), so that the server sees them at once.
  ::testing::AssertionResult ServeUncached(std::vector<std::string> sets = {});
  // Serve with `--test-clock` (issue 16): scheduler tasks follow the clock that
  // SetClock/AdvanceClock move (POST /test/clock), not the real time.
  ::testing::AssertionResult ServeTestClock(std::vector<std::string> sets = {});
  // POST /test/clock {"nowMs"} / {"advanceMs"}, expecting 200: the clock's new time (ms),
  // 0 when the request failed.
  int64_t SetClock(int64_t now_ms, Where where = Where::current());
  int64_t AdvanceClock(int64_t ms, Where where = Where::current());
  // Polls `admin device show` until the device's "online" is `online`; false when it is
  // not within `timeout` (an event, not a sleep sized for the build's speed).
  bool WaitOnline(const std::string& dev_tid, bool online = true,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  const std::string dir_ = MakeTempDir();
  AdminCli admin_{dir_};
  std::unique_ptr<ServerProcess> server_;
  ApiClient api_;
};

}  // namespace krypton::testing

#endif  // KRYPTON_TESTS_SUPPORT_API_CLIENT_H_
