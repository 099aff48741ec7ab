// Black-box: issue 14 item 5 — what a client sends comes back as valid JSON, the data
// directory is the owner's alone, and the endpoints that tell whether an account exists
// are under a per-IP budget (docs/security/jsonio.md).
//
// JsonEscaping: a string with '"', '\', control characters (U+0001, '\n', U+001F) and a
// non-BMP character (U+1F600) goes into every string field that is echoed — device names,
// share remarks, profile fields and keys, preferences, the e-mail of checkVerifyCode and
// register, the devTid of GET /device/shortCode, devLoginResp and devSync, the msgId, appSend
// params and a device's answer on the hubs — and every answer is parsed with simdjson and
// the value read back exactly. Fields whose charset is restricted (folderName) must refuse
// it with a parseable error.
// FileModes: every file of the data dir 0600, every directory 0700, also after the outbox
// and the WAL were written, and files an older version left 0644 are tightened at start.
// AccountProbes: getVerifyCode, register, resetPassword, sendResetPasswordEmail and
// resendVerifiedEmail share limits.account_probes_per_ip_per_hour → 429 400016.
#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "api_client.h"
#include "json_field.h"
#include "line_client.h"
#include "server_process.h"

namespace krypton::testing {
namespace {

namespace fs = std::filesystem;

// '"', '\', U+0001, '\n', U+001F and U+1F600 (F0 9F 98 80), between letters.
const std::string kNasty = std::string("q\"b\\s") + '\x01' + "n\nu" + '\x1f' + "e\xF0\x9F\x98\x80z";
// The same without control characters, for identifiers (devTid) and e-mail addresses.
const std::string kQuoted = "q\"b\\s\xF0\x9F\x98\x80";

// `s` as a JSON string literal (RapidJSON's writer, independent of the server's).
std::string Q(const std::string& s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

// `s` percent-encoded for a query string.
std::string Url(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// True when `json` is one valid JSON document (simdjson validates UTF-8 too).
bool Valid(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(json).get(e) == simdjson::SUCCESS;
}

// The decoded string at `pointer`; nullopt when the text does not parse or holds no
// string there.
std::optional<std::string> Str(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  std::string_view v;
  if (parser.parse(json).get(e) != simdjson::SUCCESS) return std::nullopt;
  if (e.at_pointer(pointer).get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

class JsonEscapingTest : public KryptonTest {
 protected:
  void SetUp() override {
    AdminCli::DemoAccount demo = admin_.Demo();
    demo_uid_ = demo.uid;
    bob_uid_ = admin_.CreateUser("bob@example.com", "bob-secret");
    ASSERT_TRUE(Serve());
    demo_ = api_.Login("demo@krypton.local", demo.password);
    bob_ = api_.Login("bob@example.com", "bob-secret");
  }

  // devLogin of the demo product on `dev`: the answer frame.
  static std::string DevLogin(LineClient& dev, const std::string& dev_tid) {
    return dev
        .Call(R"({"msgId":1,"action":"devLogin","params":{"devTid":)" + Q(dev_tid) +
              R"(,"prodKey":"xxxxxx","token":""}})")
        .value_or("<no answer>");
  }

  std::string LastOutboxCode() {
    std::ifstream in(dir_ + "/outbox.jsonl");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return Str(last, "/code").value_or("<none>");
  }

  std::string demo_uid_, bob_uid_, demo_, bob_;
};

TEST_F(JsonEscapingTest, DeviceNamesSharesProfileAndPreferences) {
  LineClient d1(server_->port("device"));
  std::string ctrl_key = BindDemoDevice(d1, api_, demo_, "JE1");

  // Renamed, then listed.
  HttpResult rename =
      api_.AsUser(demo_, "PATCH", "/device/JE1", R"({"deviceName":)" + Q(kNasty) + "}");
  ASSERT_EQ(rename.status, 204) << rename.body;
  HttpResult list = api_.AsUser(demo_, "GET", "/device?devTid=JE1");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(Valid(list.body)) << list.body;
  EXPECT_EQ(Str(list.body, "/0/deviceName"), kNasty) << list.body;

  // Named at bind time: the 201 Device.
  LineClient d2(server_->port("device"));
  std::string login = DevLogin(d2, "JE2");
  ASSERT_EQ(Field(login, "/code"), "200") << login;
  HttpResult bound =
      api_.AsUser(demo_, "POST", "/device",
                  R"({"devTid":"JE2","bindKey":)" + Q(*Str(login, "/params/bindKey")) +
                      R"(,"deviceName":)" + Q(kNasty) + "}");
  ASSERT_EQ(bound.status, 201) << bound.body;
  EXPECT_TRUE(Valid(bound.body)) << bound.body;
  EXPECT_EQ(Str(bound.body, "/deviceName"), kNasty);

  // A share's remark: in the 201, the list and the grantee's device list.
  HttpResult share =
      api_.AsUser(demo_, "POST", "/authorization",
                  R"({"grantee":")" + bob_uid_ + R"(","devTid":"JE1","ctrlKey":")" + ctrl_key +
                      R"(","mode":"ALL","enableScheduler":false,"enableIFTTT":false,"desc":)" +
                      Q(kNasty) + "}");
  ASSERT_EQ(share.status, 201) << share.body;
  EXPECT_TRUE(Valid(share.body)) << share.body;
  EXPECT_EQ(Str(share.body, "/desc"), kNasty);
  HttpResult shares = api_.AsUser(demo_, "GET", "/authorization?devTid=JE1");
  EXPECT_TRUE(Valid(shares.body)) << shares.body;
  EXPECT_EQ(Str(shares.body, "/0/desc"), kNasty) << shares.body;
  HttpResult bobs = api_.AsUser(bob_, "GET", "/device?devTid=JE1");
  EXPECT_TRUE(Valid(bobs.body)) << bobs.body;
  EXPECT_EQ(Str(bobs.body, "/0/deviceName"), kNasty) << bobs.body;

  // A reverse-authorization template with the remark, and the request it makes.
  HttpResult tpl =
      api_.AsUser(demo_, "POST", "/authorization/reverse/authUrl",
                  R"({"ctrlKey":")" + ctrl_key + R"(","devTid":"JE2","desc":)" + Q(kNasty) + "}");
  EXPECT_TRUE(Valid(tpl.body)) << tpl.body;

  // Folder names have a charset: refused, with a body that parses.
  HttpResult folder = api_.AsUser(demo_, "POST", "/folder", R"({"folderName":)" + Q(kNasty) + "}");
  ExpectApiError(folder, 400, "6400017", "Invalid Param folderName");
  EXPECT_TRUE(Valid(folder.body)) << folder.body;

  // Profile fields, an extra property's key and value (also echoed at the top level).
  HttpResult put = api_.AsUser(
      demo_, "PUT", "/user/profile",
      R"({"firstName":)" + Q(kNasty) + R"(,"lastName":)" + Q(kNasty) + R"(,"description":)" +
          Q(kNasty) + R"(,"extraProperties":{"k":)" + Q(kNasty) + "," + Q(kQuoted) + ":\"v\"}}");
  ASSERT_EQ(put.status, 204) << put.body;
  HttpResult profile = api_.AsUser(demo_, "GET", "/user/profile");
  ASSERT_EQ(profile.status, 200);
  EXPECT_TRUE(Valid(profile.body)) << profile.body;
  for (const char* p : {"/firstName", "/lastName", "/description", "/extraProperties/k", "/k"}) {
    EXPECT_EQ(Str(profile.body, p), kNasty) << p << " in " << profile.body;
  }
  EXPECT_EQ(Str(profile.body, "/extraProperties/" + kQuoted), "v") << profile.body;

  // Preferences: a global value and a scope named with the string.
  HttpResult prefs =
      api_.AsUser(demo_, "PUT", "/user/preferences",
                  R"({"note":)" + Q(kNasty) + "," + Q(kQuoted) + R"(:{"x":)" + Q(kNasty) + "}}");
  ASSERT_LT(prefs.status, 300) << prefs.body;
  HttpResult all = api_.AsUser(demo_, "GET", "/user/preferences");
  EXPECT_TRUE(Valid(all.body)) << all.body;
  EXPECT_EQ(Str(all.body, "/global/note"), kNasty) << all.body;
  EXPECT_EQ(Str(all.body, "/" + kQuoted + "/x"), kNasty) << all.body;
}

TEST_F(JsonEscapingTest, EmailInVerifyCodesAndRegistration) {
  const std::string email = "a" + kQuoted + "z@example.com";
  HttpResult sent = api_.Get("/email/getVerifyCode?email=" + Url(email) + "&type=register");
  ASSERT_EQ(sent.status, 200) << sent.body;
  std::string code = LastOutboxCode();
  HttpResult checked = api_.Get("/email/checkVerifyCode?email=" + Url(email) + "&code=" + code);
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_TRUE(Valid(checked.body)) << checked.body;
  EXPECT_EQ(Str(checked.body, "/email"), email) << checked.body;
  EXPECT_EQ(Str(checked.body, "/verifyCode"), code);

  HttpResult reg = api_.Post("/register?type=email_verify_code",
                             R"({"pid":"00000000000","email":)" + Q(email) +
                                 R"(,"password":"s3cret!","code":")" + code + "\"}");
  ASSERT_EQ(reg.status, 200) << reg.body;
  EXPECT_TRUE(Valid(reg.body)) << reg.body;
  HttpResult login =
      api_.Post("/login", R"({"username":)" + Q(email) + R"(,"password":"s3cret!"})");
  ASSERT_EQ(login.status, 200) << login.body;
  std::string token = Str(login.body, "/access_token").value_or("");
  HttpResult profile = api_.AsUser(token, "GET", "/user/profile");
  EXPECT_TRUE(Valid(profile.body)) << profile.body;
  EXPECT_EQ(Str(profile.body, "/email"), email) << profile.body;

  // An unknown address with the string: the error answer parses.
  HttpResult unknown = api_.Get("/sendResetPasswordEmail?email=" + Url("x" + kNasty + "@e.com"));
  EXPECT_TRUE(Valid(unknown.body)) << unknown.body;
}

// The devTid is an identifier: once item 2 of issue 14 refuses such devTids at devLogin,
// the login answer must still parse and nothing else can echo it; while they are accepted,
// every place that echoes it must escape it.
TEST_F(JsonEscapingTest, DevTidInShortCodeDevLoginAndDevSync) {
  LineClient dev(server_->port("device"));
  std::string login = DevLogin(dev, kQuoted);
  ASSERT_TRUE(Valid(login)) << login;
  if (Field(login, "/code") != "200") {
    EXPECT_EQ(Str(login, "/action"), "devLoginResp") << login;
    HttpResult none = api_.AsUser(demo_, "GET", "/device/shortCode?devTid=" + Url(kQuoted));
    EXPECT_TRUE(Valid(none.body)) << none.body;
    return;
  }
  EXPECT_EQ(Str(login, "/params/devTid"), kQuoted) << login;
  HttpResult bound = api_.AsUser(
      demo_, "POST", "/device",
      R"({"devTid":)" + Q(kQuoted) + R"(,"bindKey":)" + Q(*Str(login, "/params/bindKey")) + "}");
  ASSERT_EQ(bound.status, 201) << bound.body;
  EXPECT_EQ(Str(bound.body, "/devTid"), kQuoted) << bound.body;

  HttpResult code = api_.AsUser(demo_, "GET", "/device/shortCode?devTid=" + Url(kQuoted));
  ASSERT_EQ(code.status, 200) << code.body;
  EXPECT_TRUE(Valid(code.body)) << code.body;
  EXPECT_EQ(Str(code.body, "/devTid"), kQuoted) << code.body;
  EXPECT_EQ(Field(code.body, "/expireAt"), "null");
  EXPECT_EQ(Str(code.body, "/shortCode").value_or("").size(), 8u) << code.body;

  // The unbind pushes devSync to the online device (a hub frame built by the HTTP route).
  // Path segments are matched undecoded: the devTid goes raw (HTTP allows these octets).
  HttpResult unbind = api_.AsUser(demo_, "DELETE", "/device/" + kQuoted);
  ASSERT_EQ(unbind.status, 204) << unbind.body;
  auto sync = dev.ReadLine();
  ASSERT_TRUE(sync);
  ASSERT_TRUE(Valid(*sync)) << *sync;
  EXPECT_EQ(Str(*sync, "/action"), "devSync") << *sync;
  EXPECT_EQ(Str(*sync, "/params/devTid"), kQuoted) << *sync;
  EXPECT_EQ(Field(*sync, "/params/bind"), "false") << *sync;
}

TEST_F(JsonEscapingTest, HubEchoesMsgIdParamsAndDeviceAnswers) {
  LineClient dev(server_->port("device"));
  std::string ctrl_key = BindDemoDevice(dev, api_, demo_, "JE3");
  LineClient app(server_->port("app_tcp"));
  ASSERT_EQ(Field(*app.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":"t1","token":")" +
                            demo_ + "\"}}"),
                  "/code"),
            "200");
  // A string msgId comes back as it was sent.
  auto beat = app.Call(R"({"msgId":)" + Q(kNasty) + R"(,"action":"heartbeat"})");
  ASSERT_TRUE(beat);
  EXPECT_TRUE(Valid(*beat)) << *beat;
  EXPECT_EQ(Str(*beat, "/msgId"), kNasty) << *beat;

  // appSend: an extra param reaches the device; the device's error desc reaches the app.
  ASSERT_TRUE(app.SendLine(
      R"({"msgId":)" + Q(kNasty) + R"(,"action":"appSend","params":{"devTid":"JE3","ctrlKey":")" +
      ctrl_key + R"(","appTid":"t1","note":)" + Q(kNasty) + R"(,"data":{"cmdId":2,"power":1}}})"));
  auto cmd = dev.ReadLine();
  ASSERT_TRUE(cmd);
  ASSERT_TRUE(Valid(*cmd)) << *cmd;
  EXPECT_EQ(Str(*cmd, "/params/note"), kNasty) << *cmd;
  ASSERT_TRUE(dev.SendLine(R"({"msgId":)" + Field(*cmd, "/msgId") +
                           R"(,"action":"appSendResp","code":1400011,"desc":)" + Q(kNasty) + "}"));
  auto answer = app.ReadLine();
  ASSERT_TRUE(answer);
  ASSERT_TRUE(Valid(*answer)) << *answer;
  EXPECT_EQ(Str(*answer, "/msgId"), kNasty) << *answer;
  EXPECT_EQ(Field(*answer, "/code"), "1400011") << *answer;
  EXPECT_EQ(Str(*answer, "/desc"), kNasty) << *answer;

  // An appTid may hold '"' and '\' (visible ASCII, D29): a second app whose appSend leaves
  // it out gets it filled in from its session in the frame the device receives.
  const std::string app_tid = "app\"tid\\1";
  LineClient app2(server_->port("app_tcp"));
  auto login2 = app2.Call(R"({"msgId":1,"action":"appLogin","params":{"appTid":)" + Q(app_tid) +
                          R"(,"token":")" + demo_ + "\"}}");
  ASSERT_TRUE(login2);
  ASSERT_TRUE(Valid(*login2)) << *login2;
  ASSERT_EQ(Field(*login2, "/code"), "200") << *login2;
  ASSERT_TRUE(
      app2.SendLine(R"({"msgId":7,"action":"appSend","params":{"devTid":"JE3","ctrlKey":")" +
                    ctrl_key + R"(","data":{"cmdId":2,"power":1}}})"));
  auto cmd2 = dev.ReadLine();
  ASSERT_TRUE(cmd2);
  ASSERT_TRUE(Valid(*cmd2)) << *cmd2;
  EXPECT_EQ(Str(*cmd2, "/params/appTid"), app_tid) << *cmd2;
}

// Every entry under `dir` whose permission bits are not 0600 (files) or 0700 (dirs),
// as "path mode" lines; symbolic links are not followed.
std::vector<std::string> LooseModes(const std::string& dir) {
  std::vector<std::string> out;
  auto check = [&out](const fs::path& p) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) return;
    mode_t bits = st.st_mode & 07777;
    bool ok = S_ISDIR(st.st_mode) ? bits == 0700 : S_ISREG(st.st_mode) ? bits == 0600 : true;
    if (!ok) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(bits));
      out.push_back(p.string() + " " + mode);
    }
  };
  check(dir);
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    check(it->path());
  }
  return out;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class FileModesTest : public KryptonTest {};

TEST_F(FileModesTest, EveryFileOfTheDataDirIsTheOwners) {
  // The test process's own umask must not matter: the server sets its own.
  mode_t old = ::umask(0);
  AdminCli::DemoAccount demo = admin_.Demo();
  ASSERT_TRUE(Serve());
  ::umask(old);
  // The outbox (a live verify code) and the WAL (writes) are created now.
  HttpResult sent = api_.Get("/email/getVerifyCode?email=new%40example.com&type=register");
  ASSERT_EQ(sent.status, 200) << sent.body;
  std::string token = api_.Login("demo@krypton.local", demo.password);
  ASSERT_EQ(api_.AsUser(token, "POST", "/folder", R"({"folderName":"Kitchen"})").status, 201);
  std::vector<std::string> names = Names(dir_);
  for (const char* must : {"krypton.db", "krypton.db-wal", "krypton.db-shm", "outbox.jsonl"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), must), names.end()) << must;
  }
  EXPECT_EQ(LooseModes(dir_), std::vector<std::string>{});
}

TEST_F(FileModesTest, FilesLeftReadableAreTightenedAtStart) {
  admin_.Demo();
  ASSERT_TRUE(Serve());
  ASSERT_EQ(api_.Get("/email/getVerifyCode?email=new%40example.com&type=register").status, 200);
  server_->Stop(SIGTERM, 10000);
  server_.reset();
  // As an older version (or another umask) left them.
  for (const char* name : {"krypton.db", "outbox.jsonl", "jwt.key"}) {
    std::string p = dir_ + "/" + name;
    ASSERT_TRUE(fs::exists(p)) << p;
    ASSERT_EQ(::chmod(p.c_str(), 0644), 0) << p;
  }
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_TRUE(Serve());
  EXPECT_EQ(LooseModes(dir_), std::vector<std::string>{});
}

class AccountProbesTest : public KryptonTest {
 protected:
  void SetUp() override {
    admin_.Demo();
    admin_.CreateUser("bob@example.com", "bob-secret");
  }
  static void ExpectRateLimited(const HttpResult& r, const std::string& what) {
    EXPECT_EQ(r.status, 429) << what << ": " << r.body;
    EXPECT_EQ(Field(r.body, "/code"), "400016") << what;
    EXPECT_EQ(Str(r.body, "/desc"), "Rate limit exceeded") << what;
    // Exactly {code, desc, timestamp}: no detail of the limit leaks.
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    ASSERT_EQ(parser.parse(r.body).get_object().get(o), simdjson::SUCCESS) << r.body;
    std::vector<std::string> keys;
    for (auto [k, v] : o) keys.emplace_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"code", "desc", "timestamp"})) << r.body;
    int64_t ts = 0;
    EXPECT_EQ(o["timestamp"].get_int64().get(ts), simdjson::SUCCESS);
    EXPECT_GT(ts, 1600000000000) << r.body;
  }
};

TEST_F(AccountProbesTest, EnumerationEndpointsShareOnePerIpBudget) {
  ASSERT_TRUE(Serve({"limits.account_probes_per_ip_per_hour=5"}));
  // Five lookups, answered with Hekr's codes as before (the existing and the unknown).
  ExpectApiCode(api_.Get("/email/getVerifyCode?email=bob%40example.com&type=register"), 400,
                "3400008");
  ExpectApiCode(api_.Get("/email/getVerifyCode?email=nobody%40example.com&type=resetPassword"), 400,
                "3400011");
  EXPECT_EQ(api_.Get("/sendResetPasswordEmail?email=bob%40example.com").status, 200);
  ExpectApiCode(api_.Get("/resendVerifiedEmail?email=nobody%40example.com"), 400, "3400011");
  ExpectApiCode(api_.Post("/register?type=email_verify_code",
                          R"({"email":"bob@example.com","password":"s3cret!","code":"1"})"),
                400, "3400008");
  // The sixth, on any of them, is refused before the account is looked up.
  ExpectRateLimited(api_.Get("/email/getVerifyCode?email=bob%40example.com&type=resetPassword"),
                    "getVerifyCode");
  ExpectRateLimited(api_.Get("/sendResetPasswordEmail?email=nobody%40example.com"),
                    "sendResetPasswordEmail");
  ExpectRateLimited(api_.Get("/resendVerifiedEmail?email=bob%40example.com"),
                    "resendVerifiedEmail");
  ExpectRateLimited(api_.Post("/register?type=email_verify_code",
                              R"({"email":"x@example.com","password":"s3cret!","code":"1"})"),
                    "register");
  ExpectRateLimited(
      api_.Post("/resetPassword?type=email_verify_code",
                R"({"email":"bob@example.com","password":"s3cret!","verifyCode":"1"})"),
      "resetPassword");
  ExpectRateLimited(api_.Get("/sms/getVerifyCode?phoneNumber=13800000000&type=register"),
                    "sms getVerifyCode");
  // Other endpoints are not part of this budget.
  EXPECT_EQ(api_.Post("/login", R"({"username":"bob@example.com","password":"bob-secret"})").status,
            200);
}

}  // namespace
}  // namespace krypton::testing
